package io.farthing.auth.totp;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

/**
 * A test-side reader for the PNGs MonochromePng writes (1-bit greyscale, filter None),
 * written independently from the writer so the two check each other.
 */
record PngImage(int width, int height, boolean[] dark) {
  private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

  boolean isDark(int x, int y) {
    return dark[y * width + x];
  }

  static PngImage read(byte[] png) throws Exception {
    if (!Arrays.equals(SIGNATURE, Arrays.copyOf(png, 8))) {
      throw new AssertionError("not a PNG signature");
    }
    ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
    int width = -1;
    int height = -1;
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    boolean ended = false;
    boolean first = true;
    while (in.hasRemaining()) {
      int length = in.getInt();
      byte[] type = new byte[4];
      in.get(type);
      byte[] data = new byte[length];
      in.get(data);
      int crc = in.getInt();
      CRC32 expected = new CRC32();
      expected.update(type);
      expected.update(data);
      String name = new String(type, StandardCharsets.US_ASCII);
      if ((int) expected.getValue() != crc) {
        throw new AssertionError("bad CRC in " + name);
      }
      if (first && !name.equals("IHDR")) {
        throw new AssertionError("IHDR must come first");
      }
      first = false;
      switch (name) {
        case "IHDR" -> {
          ByteBuffer header = ByteBuffer.wrap(data);
          width = header.getInt();
          height = header.getInt();
          byte[] rest = new byte[5];
          header.get(rest);
          // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
          if (!Arrays.equals(new byte[] {1, 0, 0, 0, 0}, rest) || length != 13) {
            throw new AssertionError("unexpected IHDR " + Arrays.toString(rest));
          }
        }
        case "IDAT" -> idat.writeBytes(data);
        case "IEND" -> ended = true;
        default -> throw new AssertionError("unexpected chunk " + name);
      }
    }
    if (!ended || width <= 0 || height <= 0) {
      throw new AssertionError("missing IEND or IHDR");
    }
    return new PngImage(width, height, pixels(inflate(idat.toByteArray()), width, height));
  }

  /** Decodes the image as a QR code with zxing's reader, over our own pixels. */
  String decodeQr() throws Exception {
    LuminanceSource source = new LuminanceSource(width, height) {
      @Override
      public byte[] getRow(int y, byte[] row) {
        byte[] out = row != null && row.length >= width ? row : new byte[width];
        for (int x = 0; x < width; x++) {
          out[x] = isDark(x, y) ? 0 : (byte) 255;
        }
        return out;
      }

      @Override
      public byte[] getMatrix() {
        byte[] matrix = new byte[width * height];
        for (int i = 0; i < matrix.length; i++) {
          matrix[i] = dark[i] ? 0 : (byte) 255;
        }
        return matrix;
      }
    };
    return new QRCodeReader()
        .decode(new BinaryBitmap(new HybridBinarizer(source)), Map.of(DecodeHintType.TRY_HARDER, true))
        .getText();
  }

  private static byte[] inflate(byte[] zlib) throws Exception {
    Inflater inflater = new Inflater();
    inflater.setInput(zlib);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        throw new AssertionError("truncated zlib stream");
      }
      out.write(buffer, 0, n);
    }
    inflater.end();
    return out.toByteArray();
  }

  private static boolean[] pixels(byte[] raw, int width, int height) {
    int stride = (width + 7) / 8;
    if (raw.length != height * (stride + 1)) {
      throw new AssertionError("scanline data has the wrong length");
    }
    boolean[] dark = new boolean[width * height];
    for (int y = 0; y < height; y++) {
      int line = y * (stride + 1);
      if (raw[line] != 0) {
        throw new AssertionError("only filter type None is expected");
      }
      for (int x = 0; x < width; x++) {
        int bit = (raw[line + 1 + x / 8] >> (7 - x % 8)) & 1;
        dark[y * width + x] = bit == 0;
      }
    }
    return dark;
  }
}
