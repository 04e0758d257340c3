/*
 * libabparts_imaging, JPEG part: decodes a progressive JPEG on two cores, and a sequential one in one
 * pass (ADR 0015).
 *
 * A progressive JPEG is a series of scans. Each AC scan carries one component and refines only that
 * component's coefficients; DC scans refine only DC coefficients. So the file can be split into two
 * streams that libjpeg decodes independently, one per core. The managed side (ProgressiveJpegSplit.cs)
 * does the splitting; both streams keep the file's tables and frame header:
 *   - the main stream has the scans of the luma component alone (its AC scans, and its DC scans when
 *     the file codes luma's DC on its own);
 *   - the chroma stream has every other scan: the chroma components' scans and the DC scans that
 *     interleave all three.
 * This file decodes the main stream in libjpeg's buffered-image mode and the chroma stream into
 * coefficient arrays (jpeg_read_coefficients), each on its own thread. It then hands the chroma rows
 * and the luma DC coefficients to the main decoder and runs libjpeg's own output pass: scaled IDCT,
 * upsampling and YCbCr to RGB, exactly as a whole-file decode would.
 *
 * Every libjpeg error, and every warning except the one an AC scan without its DC scan raises, ends the call
 * with the message in `error`. The caller then hands the file to libvips, which reports the problem in
 * its usual way. No longjmp ever crosses into the caller: each entry point sets its own jump target.
 *
 * Built with ../Webp/abparts_webp.c into libabparts_imaging.so by AbParts.Infrastructure.csproj.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
/* jpegint.h gives the coefficient controller's arrays; jpeg_read_coefficients returns the same pointer. */
#include <jpegint.h>

#define EXPORT __attribute__((visibility("default")))

struct error_manager {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int tolerated_warning; /* a warning code that does not end the call, or -1 */
  char message[JMSG_LENGTH_MAX];
};

typedef struct abparts_jpeg {
  struct jpeg_decompress_struct cinfo;
  struct error_manager error;
  jvirt_barray_ptr *coefficients;
} abparts_jpeg;

static void on_error(j_common_ptr cinfo) {
  struct error_manager *error = (struct error_manager *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, error->message);
  longjmp(error->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
  struct error_manager *error = (struct error_manager *)cinfo->err;
  if (level >= 0 || cinfo->err->msg_code == error->tolerated_warning) {
    return; /* trace messages, and the tolerated warning */
  }
  (*cinfo->err->format_message)(cinfo, error->message);
  longjmp(error->jump, 1);
}

static void copy_message(char *to, int capacity, const char *message) {
  if (to != NULL && capacity > 0) {
    snprintf(to, (size_t)capacity, "%s", message);
  }
}

EXPORT void abparts_jpeg_free(abparts_jpeg *jpeg) {
  if (jpeg != NULL) {
    jpeg_destroy_decompress(&jpeg->cinfo);
    free(jpeg);
  }
}

static abparts_jpeg *create(int tolerated_warning, char *error, int error_capacity) {
  abparts_jpeg *jpeg = calloc(1, sizeof *jpeg);
  if (jpeg == NULL) {
    copy_message(error, error_capacity, "out of memory");
    return NULL;
  }
  jpeg->cinfo.err = jpeg_std_error(&jpeg->error.pub);
  jpeg->error.pub.error_exit = on_error;
  jpeg->error.pub.emit_message = on_message;
  jpeg->error.tolerated_warning = tolerated_warning;
  return jpeg;
}

/* Non-zero when every coefficient of `component` from `first` to 63 has been sent at full precision. */
static int complete(j_decompress_ptr cinfo, int component, int first) {
  for (int k = first; k < DCTSIZE2; k++) {
    if (cinfo->coef_bits[component][k] != 0) {
      return 0;
    }
  }
  return 1;
}

/* The main stream into the coefficient buffer, ready for output at 1/scale_denom as RGB. */
static int read_main(abparts_jpeg *jpeg, const unsigned char *data, unsigned long length, int scale_denom) {
  if (setjmp(jpeg->error.jump)) {
    return -1;
  }
  jpeg_create_decompress(&jpeg->cinfo);
  jpeg_mem_src(&jpeg->cinfo, data, length);
  jpeg_read_header(&jpeg->cinfo, TRUE);
  if (!jpeg->cinfo.progressive_mode || jpeg->cinfo.arith_code || jpeg->cinfo.num_components != 3 ||
      jpeg->cinfo.jpeg_color_space != JCS_YCbCr || jpeg->cinfo.data_precision != 8) {
    snprintf(jpeg->error.message, sizeof jpeg->error.message, "not a progressive Huffman-coded 8-bit YCbCr JPEG");
    return -1;
  }
  jpeg->cinfo.buffered_image = TRUE;
  /* Smoothing guesses coefficients a scan script never sent; abparts_jpeg_finish refuses such files. */
  jpeg->cinfo.do_block_smoothing = FALSE;
  jpeg->cinfo.scale_num = 1;
  jpeg->cinfo.scale_denom = (unsigned int)scale_denom;
  jpeg->cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&jpeg->cinfo);
  while (jpeg_consume_input(&jpeg->cinfo) != JPEG_REACHED_EOI) {
    /* a memory source never suspends: at the end of the data it reports a premature end, which fails */
  }
  jpeg->coefficients = jpeg->cinfo.coef->coef_arrays;
  return 0;
}

/* The chroma stream into its own coefficient arrays. */
static int read_chroma(abparts_jpeg *jpeg, const unsigned char *data, unsigned long length) {
  if (setjmp(jpeg->error.jump)) {
    return -1;
  }
  jpeg_create_decompress(&jpeg->cinfo);
  jpeg_mem_src(&jpeg->cinfo, data, length);
  jpeg_read_header(&jpeg->cinfo, TRUE);
  if (!jpeg->cinfo.progressive_mode || jpeg->cinfo.arith_code || jpeg->cinfo.num_components != 3) {
    snprintf(jpeg->error.message, sizeof jpeg->error.message, "not a three-component progressive Huffman-coded JPEG");
    return -1;
  }
  jpeg->coefficients = jpeg_read_coefficients(&jpeg->cinfo);
  return 0;
}

/* The handle, or NULL with the reason in `error`. */
static abparts_jpeg *handle_or_null(abparts_jpeg *jpeg, int status, char *error, int error_capacity) {
  if (status == 0) {
    return jpeg;
  }
  copy_message(error, error_capacity, jpeg->error.message);
  abparts_jpeg_free(jpeg);
  return NULL;
}

/*
 * Reads the main stream (every component; all scans but the chroma AC ones) into the coefficient
 * buffer, set to be output at 1/scale_denom of the full size as RGB. NULL on failure.
 */
EXPORT abparts_jpeg *abparts_jpeg_read_main(const unsigned char *data, unsigned long length, int scale_denom,
                                            char *error, int error_capacity) {
  /* luma AC scans whose DC scan went to the chroma stream: expected, and harmless (see abparts_jpeg_finish) */
  abparts_jpeg *jpeg = create(JWRN_BOGUS_PROGRESSION, error, error_capacity);
  return jpeg == NULL ? NULL
                      : handle_or_null(jpeg, read_main(jpeg, data, length, scale_denom), error, error_capacity);
}

/* Reads the chroma stream (the scans that are not luma's alone) into coefficient arrays. NULL on failure. */
EXPORT abparts_jpeg *abparts_jpeg_read_chroma(const unsigned char *data, unsigned long length, char *error,
                                              int error_capacity) {
  abparts_jpeg *jpeg = create(JWRN_BOGUS_PROGRESSION, error, error_capacity);
  return jpeg == NULL ? NULL : handle_or_null(jpeg, read_chroma(jpeg, data, length), error, error_capacity);
}

/*
 * The size of the output: what abparts_jpeg_finish writes is width * height * 3 bytes. libjpeg rounds a
 * scaled size up; libvips' loader rounds it down (as vips_shrink would) and drops the partial last
 * column and row, and so do we.
 */
EXPORT void abparts_jpeg_output_size(const abparts_jpeg *jpeg, int *width, int *height) {
  unsigned int scale = jpeg->cinfo.scale_denom;
  *width = (int)(jpeg->cinfo.image_width / scale > 0 ? jpeg->cinfo.image_width / scale : 1);
  *height = (int)(jpeg->cinfo.image_height / scale > 0 ? jpeg->cinfo.image_height / scale : 1);
}

/* Reads the first `height` output rows, cropped to `width` pixels, into `pixels` (rows of width * 3 bytes):
 * rows as long as ours go straight into place, longer ones through a scratch row. */
static void read_rows(j_decompress_ptr cinfo, unsigned char *pixels, int width, int height) {
  unsigned long stride = (unsigned long)width * 3;
  JSAMPROW scratch = NULL;
  if ((JDIMENSION)width < cinfo->output_width) {
    scratch = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE, cinfo->output_width * 3, 1)[0];
  }
  while (cinfo->output_scanline < (JDIMENSION)height) {
    unsigned char *row = pixels + (unsigned long)cinfo->output_scanline * stride;
    JSAMPROW target = scratch != NULL ? scratch : row;
    jpeg_read_scanlines(cinfo, &target, 1);
    if (scratch != NULL) {
      memcpy(row, scratch, stride);
    }
  }
}

/* The precision a stream reached for a coefficient: -1 if it sent none, else the Al of its last scan. */
static int precision(j_decompress_ptr cinfo, int component, int k) { return cinfo->coef_bits[component][k]; }

/*
 * Hands the chroma rows and the luma DC coefficients to the main decoder and writes the RGB pixels, rows
 * of width * 3 bytes, into `pixels` (capacity bytes). 0 on success, -1 on failure.
 */
EXPORT int abparts_jpeg_finish(abparts_jpeg *main, abparts_jpeg *chroma, unsigned char *pixels,
                               unsigned long capacity, char *error, int error_capacity) {
  j_decompress_ptr m = &main->cinfo;
  j_decompress_ptr c = &chroma->cinfo;
  if (setjmp(main->error.jump)) {
    copy_message(error, error_capacity, main->error.message);
    return -1;
  }
  if (setjmp(chroma->error.jump)) {
    copy_message(error, error_capacity, chroma->error.message);
    return -1;
  }
  /* Both streams together must send every coefficient at full precision, as a whole-file decode needs for
   * its output to match (libjpeg would otherwise smooth the missing ones): luma AC from the main stream,
   * luma DC from either or both (a DC refinement only adds bits), chroma from the chroma stream. */
  if (!complete(m, 0, 1) || (precision(m, 0, 0) != 0 && precision(c, 0, 0) != 0) || !complete(c, 1, 0) ||
      !complete(c, 2, 0)) {
    copy_message(error, error_capacity, "the scans do not send every coefficient at full precision");
    return -1;
  }
  if (m->image_width != c->image_width || m->image_height != c->image_height || m->num_components != 3) {
    copy_message(error, error_capacity, "the chroma stream does not match the main stream");
    return -1;
  }

  /* Luma DC: each stream holds the bits of the DC scans it had (a first scan's value shifted left by its Al,
   * a refinement's single bits), zero where it had none, so OR puts them together. */
  jpeg_component_info *luma = &m->comp_info[0];
  if (precision(c, 0, 0) >= 0) {
    for (JDIMENSION row = 0; row < luma->height_in_blocks; row++) {
      JBLOCKROW target = *(*m->mem->access_virt_barray)((j_common_ptr)m, main->coefficients[0], row, 1, TRUE);
      JBLOCKROW source = *(*c->mem->access_virt_barray)((j_common_ptr)c, chroma->coefficients[0], row, 1, FALSE);
      for (JDIMENSION block = 0; block < luma->width_in_blocks; block++) {
        target[block][0] |= source[block][0];
      }
    }
  }

  for (int ci = 1; ci < 3; ci++) {
    jpeg_component_info *component = &m->comp_info[ci];
    /* The main stream never saw a scan of this component, so libjpeg has not yet latched its quantization
     * table (it does so at a component's first scan); latch it now, from the same DQT segments. */
    if (component->quant_table == NULL) {
      if (component->quant_tbl_no < 0 || component->quant_tbl_no >= NUM_QUANT_TBLS ||
          m->quant_tbl_ptrs[component->quant_tbl_no] == NULL) {
        copy_message(error, error_capacity, "a component's quantization table is missing");
        return -1;
      }
      component->quant_table = (*m->mem->alloc_small)((j_common_ptr)m, JPOOL_IMAGE, sizeof(JQUANT_TBL));
      memcpy(component->quant_table, m->quant_tbl_ptrs[component->quant_tbl_no], sizeof(JQUANT_TBL));
    }
    /* Rather than copying the chroma coefficients, the main decoder's row table is pointed at the chroma
     * decoder's rows, which stay alive until both decoders are freed. */
    for (JDIMENSION row = 0; row < component->height_in_blocks; row++) {
      JBLOCKARRAY target = (*m->mem->access_virt_barray)((j_common_ptr)m, main->coefficients[ci], row, 1, TRUE);
      target[0] = *(*c->mem->access_virt_barray)((j_common_ptr)c, chroma->coefficients[ci], row, 1, FALSE);
    }
  }

  jpeg_start_output(m, m->input_scan_number);
  int width, height;
  abparts_jpeg_output_size(main, &width, &height);
  unsigned long stride = (unsigned long)width * 3;
  if (m->output_components != 3 || (JDIMENSION)width > m->output_width || (JDIMENSION)height > m->output_height ||
      stride * (unsigned long)height > capacity) {
    copy_message(error, error_capacity, "the output buffer does not fit the image");
    return -1;
  }
  read_rows(m, pixels, width, height);
  /* the rows past the crop are never read: the decoder is destroyed, not finished */
  return 0;
}

/* A sequential (baseline or extended) JPEG decoded whole, in one pass, into `pixels`. */
static int decode_sequential(abparts_jpeg *jpeg, const unsigned char *data, unsigned long length, int scale_denom,
                             unsigned char *pixels, int width, int height) {
  if (setjmp(jpeg->error.jump)) {
    return -1;
  }
  j_decompress_ptr d = &jpeg->cinfo;
  jpeg_create_decompress(d);
  jpeg_mem_src(d, data, length);
  jpeg_read_header(d, TRUE);
  if (d->progressive_mode || d->arith_code || d->num_components != 3 || d->jpeg_color_space != JCS_YCbCr ||
      d->data_precision != 8) {
    snprintf(jpeg->error.message, sizeof jpeg->error.message, "not a sequential Huffman-coded 8-bit YCbCr JPEG");
    return -1;
  }
  d->scale_num = 1;
  d->scale_denom = (unsigned int)scale_denom;
  d->out_color_space = JCS_RGB;
  jpeg_start_decompress(d);
  int expected_width, expected_height;
  abparts_jpeg_output_size(jpeg, &expected_width, &expected_height);
  if (d->output_components != 3 || width != expected_width || height != expected_height) {
    snprintf(jpeg->error.message, sizeof jpeg->error.message, "the output buffer does not fit the image");
    return -1;
  }
  read_rows(d, pixels, width, height);
  /* the rows past the crop are never read: the decoder is destroyed, not finished */
  return 0;
}

/*
 * Decodes a sequential (baseline) JPEG at 1/scale_denom as RGB rows of width * 3 bytes into `pixels`,
 * which holds width * height * 3 bytes for the size abparts_jpeg_output_size gives (libvips' rounding).
 * 0 on success, -1 on any error or warning, with the reason in `error`.
 */
EXPORT int abparts_jpeg_decode_sequential(const unsigned char *data, unsigned long length, int scale_denom,
                                          unsigned char *pixels, int width, int height, char *error,
                                          int error_capacity) {
  abparts_jpeg *jpeg = create(-1, error, error_capacity);
  if (jpeg == NULL) {
    return -1;
  }
  int status = decode_sequential(jpeg, data, length, scale_denom, pixels, width, height);
  if (status != 0) {
    copy_message(error, error_capacity, jpeg->error.message);
  }
  abparts_jpeg_free(jpeg);
  return status;
}
