package io.farthing.auth.totp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a black-and-white image as a PNG (1-bit greyscale) with nothing but java.util.zip, so
 * no java.awt/ImageIO is needed (they do not work in a native image without extra set-up).
 * Layout per the PNG spec: signature, IHDR, one IDAT of zlib-deflated scanlines, IEND.
 */
public final class MonochromePng {
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte BIT_DEPTH = 1;
  private static final byte COLOUR_TYPE_GREYSCALE = 0;
  private static final byte FILTER_NONE = 0;
  /** Bounds memory: a QR code for any text we accept is far smaller. */
  private static final int MAX_SIDE = 4096;

  /** Which pixels are dark. */
  @FunctionalInterface
  public interface Pixels {
    boolean isDark(int x, int y);
  }

  private MonochromePng() {}

  public static byte[] encode(int width, int height, Pixels pixels) {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException("image side out of range");
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(SIGNATURE);
    writeChunk(png, "IHDR", header(width, height));
    writeChunk(png, "IDAT", deflate(scanlines(width, height, pixels)));
    writeChunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static byte[] header(int width, int height) {
    return ByteBuffer.allocate(13)
        .putInt(width)
        .putInt(height)
        .put(BIT_DEPTH)
        .put(COLOUR_TYPE_GREYSCALE)
        .put((byte) 0) // compression: deflate
        .put((byte) 0) // filter method: adaptive (we use filter type None on every line)
        .put((byte) 0) // no interlace
        .array();
  }

  /** Each line: a filter-type byte, then pixels packed 8 per byte, MSB first; 1 = white. */
  private static byte[] scanlines(int width, int height, Pixels pixels) {
    int bytesPerLine = (width + 7) / 8;
    byte[] raw = new byte[height * (1 + bytesPerLine)];
    int at = 0;
    for (int y = 0; y < height; y++) {
      raw[at++] = FILTER_NONE;
      for (int x = 0; x < width; x++) {
        if (!pixels.isDark(x, y)) {
          raw[at + x / 8] |= (byte) (0x80 >>> (x % 8));
        }
      }
      at += bytesPerLine;
    }
    return raw;
  }

  /** zlib stream (RFC 1950), which is what IDAT holds: Deflater's default, non-raw mode. */
  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** length, type, data, CRC-32 over type and data. */
  private static void writeChunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
