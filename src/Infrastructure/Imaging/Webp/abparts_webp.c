/*
 * libabparts_imaging, WebP part: lossy WebP encoding with libwebp's own threads (ADR 0015).
 *
 * The same configuration libvips 8.14's webpsave builds (the default preset at the given quality, the
 * given method, alpha at quality 100, RGB(A) imported straight to YUV 4:2:0), plus thread_level = 1, which
 * libvips does not expose: libwebp then analyses the picture on a second thread.
 */
#include <stdio.h>
#include <string.h>

#include <webp/encode.h>

#define EXPORT __attribute__((visibility("default")))

static void copy_message(char *to, int capacity, const char *message) {
  if (to != NULL && capacity > 0) {
    snprintf(to, (size_t)capacity, "%s", message);
  }
}

/*
 * Encodes `width` x `height` pixels of `bands` (3: RGB, 4: RGBA) 8-bit samples, rows of width * bands
 * bytes, as lossy WebP. On success returns 0 and the file in *output (free it with abparts_webp_free);
 * on failure -1 with the reason in `error`.
 */
EXPORT int abparts_webp_encode(const unsigned char *pixels, int width, int height, int bands, int quality, int method,
                               unsigned char **output, size_t *length, char *error, int error_capacity) {
  *output = NULL;
  *length = 0;
  WebPConfig config;
  if ((bands != 3 && bands != 4) || !WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, (float)quality)) {
    copy_message(error, error_capacity, "unsupported bands or quality");
    return -1;
  }
  config.method = method;
  config.alpha_quality = 100;
  config.thread_level = 1;
  if (!WebPValidateConfig(&config)) {
    copy_message(error, error_capacity, "invalid WebP configuration");
    return -1;
  }

  WebPPicture picture;
  if (!WebPPictureInit(&picture)) {
    copy_message(error, error_capacity, "libwebp version mismatch");
    return -1;
  }
  picture.width = width;
  picture.height = height;
  picture.use_argb = 0;
  int imported = bands == 4 ? WebPPictureImportRGBA(&picture, pixels, width * 4)
                            : WebPPictureImportRGB(&picture, pixels, width * 3);
  if (!imported) {
    WebPPictureFree(&picture);
    copy_message(error, error_capacity, "out of memory importing the picture");
    return -1;
  }

  WebPMemoryWriter writer;
  WebPMemoryWriterInit(&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  int encoded = WebPEncode(&config, &picture);
  int status = picture.error_code;
  WebPPictureFree(&picture);
  if (!encoded) {
    WebPMemoryWriterClear(&writer);
    char message[64];
    snprintf(message, sizeof message, "libwebp error %d", status);
    copy_message(error, error_capacity, message);
    return -1;
  }
  *output = writer.mem;
  *length = writer.size;
  return 0;
}

/* Frees what abparts_webp_encode returned. */
EXPORT void abparts_webp_free(unsigned char *output) { WebPFree(output); }
