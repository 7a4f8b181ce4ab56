package io.farthing.auth.totp;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Renders text as a QR code PNG: zxing computes the modules, {@link MonochromePng} writes them. */
public final class QrPng {
  /** Pixels per QR module: sharp on screens, small enough to send inline as base64. */
  static final int MODULE_PIXELS = 6;
  /** The quiet zone scanners need around the code, in modules (ISO/IEC 18004 asks for 4). */
  static final int QUIET_ZONE_MODULES = 4;
  /** An otpauth URI is ~150 characters; anything much longer is not ours to render. */
  private static final int MAX_TEXT = 1024;

  private QrPng() {}

  public static byte[] render(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("QR text length out of range");
    }
    BitMatrix modules = modules(text);
    return MonochromePng.encode(
        modules.getWidth() * MODULE_PIXELS,
        modules.getHeight() * MODULE_PIXELS,
        (x, y) -> modules.get(x / MODULE_PIXELS, y / MODULE_PIXELS));
  }

  /** One matrix cell per module, quiet zone included (size 0 asks zxing for the minimum). */
  private static BitMatrix modules(String text) {
    try {
      return new QRCodeWriter()
          .encode(
              text,
              BarcodeFormat.QR_CODE,
              0,
              0,
              Map.of(
                  EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                  EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name(),
                  EncodeHintType.MARGIN, QUIET_ZONE_MODULES));
    } catch (WriterException e) {
      throw new IllegalStateException("QR encoding failed", e);
    }
  }
}
