/*
 * photogen.c — see photogen.h.  The picture is drawn from simple shapes
 * (head, hair, neck, shoulders, collar, eyes) whose sizes and colours vary
 * with the seed; per-pixel grain from a seeded PRNG gives the JPEG encoder
 * real work so that 960×1280 lands in 550–650 KB near quality 90, as
 * studio photos do.  Encoding uses libjpeg directly so every variant the
 * checker must catch (CMYK, YCCK, grey, JFIF/Exif resolution, ICC,
 * orientation, progressive) can be produced on purpose.
 */
#include "photogen.h"

#include "core/base.h"
#include "core/files.h"
#include "core/pool.h"

#include <errno.h>
#include <jpeglib.h>
#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUESS_QUALITY 92

/* Grain amplitude (± levels per channel) for each texture. */
static int grain_of(photogen_texture texture)
{
    switch (texture) {
    case PHOTOGEN_TEXTURE_FLAT: return 0;
    case PHOTOGEN_TEXTURE_NOISY: return 400;
    default: return 26;
    }
}

void photogen_defaults(photogen_options *o)
{
    memset(o, 0, sizeof *o);
    o->width = 960;
    o->height = 1280;
    o->seed = 1;
    o->min_bytes = 563200;
    o->max_bytes = 665600;
    o->dpi = 300;
    o->density_unit = 1;
}

/* ---- drawing ------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A uniform double in [lo, hi). */
static double uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * (double)(splitmix64(state) >> 11) / (double)(1ull << 53);
}

typedef struct rgb {
    double r, g, b;
} rgb;

/* The figure's layout and colours, all in pixels. */
typedef struct figure {
    double cx, cy, rx, ry;        /* head ellipse */
    double hair_dy, hair_scale;
    double neck_half, shoulder_top;
    rgb skin, hair, shirt, collar, background;
} figure;

static figure figure_for(const photogen_options *o)
{
    uint64_t st = (uint64_t)o->seed * 0x2545F4914F6CDD1Dull + 7;
    double w = o->width, h = o->height;
    static const rgb shirts[] = {{30, 34, 48}, {52, 52, 56}, {20, 40, 70}, {70, 30, 34},
                                 {40, 60, 45}};
    static const rgb hairs[] = {{22, 18, 16}, {40, 30, 24}, {12, 12, 14}, {58, 42, 30}};
    figure f;
    f.cx = w * uniform(&st, 0.48, 0.52);
    f.cy = h * uniform(&st, 0.36, 0.40);
    f.rx = w * uniform(&st, 0.155, 0.18);
    f.ry = h * uniform(&st, 0.18, 0.20);
    f.hair_dy = h * uniform(&st, 0.02, 0.04);
    f.hair_scale = uniform(&st, 1.04, 1.10);
    f.neck_half = w * uniform(&st, 0.065, 0.08);
    f.shoulder_top = h * uniform(&st, 0.64, 0.68);
    f.skin = (rgb){uniform(&st, 205, 235), uniform(&st, 160, 190), uniform(&st, 130, 160)};
    f.hair = hairs[splitmix64(&st) % GPI_ARRAY_LEN(hairs)];
    f.shirt = shirts[splitmix64(&st) % GPI_ARRAY_LEN(shirts)];
    f.collar = (rgb){240, 240, 236};
    f.background = (rgb){100, 197, 255};
    return f;
}

static double sq(double x)
{
    return x * x;
}

/* The colour of the figure (or background) at pixel (x, y), before grain. */
static rgb shade(const figure *f, const photogen_options *o, double x, double y)
{
    double w = o->width, h = o->height;
    double hx = (x - f->cx) / f->rx, hy = (y - f->cy) / f->ry;
    double head = sq(hx) + sq(hy);
    double hair_x = (x - f->cx) / (f->rx * f->hair_scale);
    double hair_y = (y - f->cy + f->hair_dy) / (f->ry * f->hair_scale);
    bool in_hair = sq(hair_x) + sq(hair_y) <= 1 && (y < f->cy - f->ry * 0.45 || (head > 1 && y < f->cy + f->ry * 0.2));
    if (in_hair)
        return f->hair;
    if (head <= 1) {
        /* eyes and mouth, then a soft shading towards the face's edge */
        double ex = fabs(x - f->cx) - f->rx * 0.38, ey = y - (f->cy - f->ry * 0.08);
        if (sq(ex / (f->rx * 0.12)) + sq(ey / (f->ry * 0.05)) <= 1)
            return (rgb){40, 30, 28};
        if (fabs(x - f->cx) < f->rx * 0.28 && fabs(y - (f->cy + f->ry * 0.55)) < f->ry * 0.025)
            return (rgb){150, 70, 70};
        double light = 1.0 - 0.18 * head;
        return (rgb){f->skin.r * light, f->skin.g * light, f->skin.b * light};
    }
    if (y >= f->shoulder_top) {
        double t = (y - f->shoulder_top) / (h - f->shoulder_top);
        double half = w * (0.11 + 0.40 * sqrt(t));
        double dx = fabs(x - f->cx);
        if (dx <= half) {
            if (dx < (y - f->shoulder_top) * 0.45 + f->neck_half * 0.6 && t < 0.55)
                return f->collar;
            return f->shirt;
        }
    }
    if (fabs(x - f->cx) <= f->neck_half && y > f->cy && y < f->shoulder_top + 1)
        return (rgb){f->skin.r * 0.85, f->skin.g * 0.85, f->skin.b * 0.85};
    return f->background;
}

static unsigned char clamp8(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)lrint(v);
}

unsigned char *photogen_render(const photogen_options *o)
{
    if (o->width <= 0 || o->height <= 0 || o->width > 20000 || o->height > 20000)
        return NULL;
    unsigned char *img = malloc((size_t)o->width * (size_t)o->height * 3);
    if (!img)
        return NULL;
    figure f = figure_for(o);
    int grain = grain_of(o->texture);
    for (int y = 0; y < o->height; y++) {
        uint64_t st = ((uint64_t)o->seed << 32) ^ (uint64_t)y * 0xD1B54A32D192ED03ull;
        unsigned char *row = img + (size_t)y * (size_t)o->width * 3;
        for (int x = 0; x < o->width; x++) {
            rgb c = shade(&f, o, x + 0.5, y + 0.5);
            int nr = 0, ng = 0, nb = 0;
            if (grain) {
                uint64_t r = splitmix64(&st);
                int luma = (int)(r & 0xFF) - 128;
                nr = (luma + (int)((r >> 8) & 0x3F) - 32) * grain / 128;
                ng = (luma + (int)((r >> 16) & 0x3F) - 32) * grain / 128;
                nb = (luma + (int)((r >> 24) & 0x3F) - 32) * grain / 128;
            }
            row[3 * x] = clamp8(c.r + nr);
            row[3 * x + 1] = clamp8(c.g + ng);
            row[3 * x + 2] = clamp8(c.b + nb);
        }
    }
    return img;
}

/* ---- ICC profiles --------------------------------------------------------- */

/* lcms2 stamps profiles with the current time: pin it for reproducible
 * bytes (ICC header bytes 24–35: year, month, day, hours, minutes, seconds). */
static void pin_creation_date(unsigned char *icc, size_t len)
{
    static const unsigned char y2000_01_01[12] = {0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    if (len >= 36)
        memcpy(icc + 24, y2000_01_01, sizeof y2000_01_01);
}

static cmsHPROFILE adobe_rgb_1998(void)
{
    cmsCIExyY d65 = {0.3127, 0.3290, 1.0};
    cmsCIExyYTRIPLE primaries = {{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
    cmsToneCurve *gamma = cmsBuildGamma(NULL, 563.0 / 256.0);
    if (!gamma)
        return NULL;
    cmsToneCurve *curves[3] = {gamma, gamma, gamma};
    cmsHPROFILE h = cmsCreateRGBProfile(&d65, &primaries, curves);
    cmsFreeToneCurve(gamma);
    return h;
}

/* An sRGB or Adobe RGB (1998) profile as bytes (malloc'd). */
static unsigned char *make_icc(photogen_icc kind, size_t *len)
{
    cmsHPROFILE h = kind == PHOTOGEN_ICC_ADOBE ? adobe_rgb_1998() : cmsCreate_sRGBProfile();
    if (!h)
        return NULL;
    const char *name = kind == PHOTOGEN_ICC_ADOBE ? "Adobe RGB (1998)" : "sRGB IEC61966-2.1";
    cmsMLU *mlu = cmsMLUalloc(NULL, 1);
    unsigned char *icc = NULL;
    cmsUInt32Number n = 0;
    if (mlu && cmsMLUsetASCII(mlu, "en", "US", name) &&
        cmsWriteTag(h, cmsSigProfileDescriptionTag, mlu) && cmsSaveProfileToMem(h, NULL, &n) &&
        (icc = malloc(n)) && !cmsSaveProfileToMem(h, icc, &n)) {
        free(icc);
        icc = NULL;
    }
    if (mlu)
        cmsMLUfree(mlu);
    cmsCloseProfile(h);
    if (icc) {
        pin_creation_date(icc, n);
        *len = n;
    }
    return icc;
}

/* ---- Exif ------------------------------------------------------------------ */

static void put16(unsigned char *p, unsigned v)
{
    p[0] = v & 0xFF;
    p[1] = (v >> 8) & 0xFF;
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

/* A little-endian Exif APP1 payload with IFD0 holding Orientation and/or
 * X/YResolution + ResolutionUnit (inches).  Returns its length. */
static size_t make_exif(const photogen_options *o, unsigned char *buf, size_t size)
{
    /* without JFIF (asked for, or CMYK/YCCK, which libjpeg writes without
     * it) the resolution goes to Exif, as Photoshop does */
    bool resolution = o->exif_dpi_only || o->color == PHOTOGEN_CMYK || o->color == PHOTOGEN_YCCK;
    int entries = (o->orientation > 0) + (resolution ? 3 : 0);
    size_t ifd_end = 8 + 2 + (size_t)entries * 12 + 4;
    size_t len = 6 + ifd_end + (resolution ? 16 : 0);
    if (entries == 0 || len > size)
        return 0;
    memset(buf, 0, len);
    memcpy(buf, "Exif\0\0II*\0", 10);
    unsigned char *t = buf + 6;
    put32(t + 4, 8);
    put16(t + 8, (unsigned)entries);
    unsigned char *e = t + 10;
    if (o->orientation > 0) {
        put16(e, 0x0112), put16(e + 2, 3), put32(e + 4, 1), put16(e + 8, (unsigned)o->orientation);
        e += 12;
    }
    if (resolution) {
        for (int axis = 0; axis < 2; axis++) {
            uint32_t at = (uint32_t)ifd_end + 8u * (uint32_t)axis;
            put16(e, 0x011A + (unsigned)axis), put16(e + 2, 5), put32(e + 4, 1), put32(e + 8, at);
            put32(t + at, (uint32_t)o->dpi), put32(t + at + 4, 1);
            e += 12;
        }
        put16(e, 0x0128), put16(e + 2, 3), put32(e + 4, 1), put16(e + 8, 2);
    }
    return len;
}

/* ---- encoding --------------------------------------------------------------- */

typedef struct encoder_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} encoder_error;

static void encoder_error_exit(j_common_ptr cinfo)
{
    encoder_error *e = (encoder_error *)cinfo->err;
    cinfo->err->format_message(cinfo, e->message);
    longjmp(e->jump, 1);
}

/* Naive RGB -> CMYK, stored inverted as Adobe applications do. */
static unsigned char *to_cmyk(const unsigned char *rgb, size_t pixels)
{
    unsigned char *out = malloc(pixels * 4);
    if (!out)
        return NULL;
    for (size_t i = 0; i < pixels; i++) {
        int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
        int k = 255 - max;
        out[4 * i] = (unsigned char)(255 - (max ? (max - r) * 255 / max : 0));
        out[4 * i + 1] = (unsigned char)(255 - (max ? (max - g) * 255 / max : 0));
        out[4 * i + 2] = (unsigned char)(255 - (max ? (max - b) * 255 / max : 0));
        out[4 * i + 3] = (unsigned char)(255 - k);
    }
    return out;
}

typedef struct encode_input {
    const photogen_options *o;
    const unsigned char *pixels; /* RGB, or CMYK for CMYK/YCCK */
    const unsigned char *icc;
    size_t icc_len;
} encode_input;

static bool encode(const encode_input *in, int quality, unsigned char **out, size_t *out_len,
                   char *why, size_t why_size)
{
    const photogen_options *o = in->o;
    struct jpeg_compress_struct cinfo;
    encoder_error err;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = encoder_error_exit;
    if (setjmp(err.jump)) {
        snprintf(why, why_size, "libjpeg: %s", err.message);
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return false;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buf, &len);
    cinfo.image_width = (JDIMENSION)o->width;
    cinfo.image_height = (JDIMENSION)o->height;
    bool four = o->color == PHOTOGEN_CMYK || o->color == PHOTOGEN_YCCK;
    cinfo.input_components = four ? 4 : 3;
    cinfo.in_color_space = four ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    if (o->color == PHOTOGEN_GRAY)
        jpeg_set_colorspace(&cinfo, JCS_GRAYSCALE);
    else if (o->color == PHOTOGEN_CMYK)
        jpeg_set_colorspace(&cinfo, JCS_CMYK);
    else if (o->color == PHOTOGEN_YCCK)
        jpeg_set_colorspace(&cinfo, JCS_YCCK);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (o->progressive)
        jpeg_simple_progression(&cinfo);
    if (o->exif_dpi_only) {
        cinfo.write_JFIF_header = FALSE;
    } else if (o->density_unit == 1 || o->density_unit == 2) {
        int value = o->density > 0 ? o->density
                    : o->density_unit == 2 ? (int)lrint(o->dpi / 2.54) : o->dpi;
        cinfo.density_unit = (UINT8)o->density_unit;
        cinfo.X_density = cinfo.Y_density = (UINT16)value;
    } else {
        cinfo.density_unit = 0;
        cinfo.X_density = cinfo.Y_density = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    unsigned char exif[128];
    size_t exif_len = make_exif(o, exif, sizeof exif);
    if (exif_len)
        jpeg_write_marker(&cinfo, JPEG_APP0 + 1, exif, (unsigned)exif_len);
    if (in->icc)
        jpeg_write_icc_profile(&cinfo, in->icc, (unsigned)in->icc_len);
    size_t stride = (size_t)o->width * (size_t)cinfo.input_components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(in->pixels + cinfo.next_scanline * stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buf;
    *out_len = len;
    return true;
}

/* Quality search: bisect towards the middle of the window, stopping as soon
 * as a size lands in its middle half; otherwise the in-window result closest
 * to the middle, or else the closest of all. */
static bool search_window(const encode_input *in, photogen_result *out, char *why,
                          size_t why_size)
{
    const photogen_options *o = in->o;
    double mid = (o->min_bytes + (double)o->max_bytes) / 2;
    double quarter = (o->max_bytes - (double)o->min_bytes) / 4;
    int lo = 1, hi = 100, q = GUESS_QUALITY;
    double best_score = INFINITY;
    while (lo <= hi) {
        unsigned char *buf;
        size_t len;
        if (!encode(in, q, &buf, &len, why, why_size))
            return false;
        out->encodes++;
        bool inside = len >= o->min_bytes && len <= o->max_bytes;
        double score = fabs(len - mid) + (inside ? 0 : 1e12);
        if (score < best_score) {
            best_score = score;
            free(out->data);
            out->data = buf;
            out->len = len;
            out->quality = q;
            out->in_window = inside;
        } else {
            free(buf);
        }
        if (fabs(len - mid) <= quarter)
            break;
        if (len < mid)
            lo = q + 1;
        else
            hi = q - 1;
        q = (lo + hi) / 2;
    }
    return true;
}

static void append_png_bytes(void *context, void *data, int size)
{
    gpi_buf_append(context, data, (size_t)size);
}

static bool make_png(const unsigned char *rgb, const photogen_options *o, photogen_result *out,
                     char *why, size_t why_size)
{
    gpi_buf png = {0};
    if (!stbi_write_png_to_func(append_png_bytes, &png, o->width, o->height, 3, rgb,
                                o->width * 3) || png.failed) {
        gpi_buf_free(&png);
        snprintf(why, why_size, "stb_image_write could not make the PNG");
        return false;
    }
    out->len = png.len;
    out->data = (unsigned char *)gpi_buf_take(&png);
    out->in_window = out->len >= o->min_bytes && out->len <= o->max_bytes;
    return out->data != NULL;
}

bool photogen_make(const photogen_options *o, photogen_result *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (o->quality < 0 || o->quality > 100 || o->orientation < 0 || o->orientation > 65535 ||
        o->dpi <= 0 || o->dpi > 65535 || o->density < 0 || o->density > 65535) {
        snprintf(why, why_size, "option out of range");
        return false;
    }
    unsigned char *rgb = photogen_render(o);
    if (!rgb) {
        snprintf(why, why_size, "cannot render %d×%d", o->width, o->height);
        return false;
    }
    bool ok;
    if (o->png) {
        ok = make_png(rgb, o, out, why, why_size);
        free(rgb);
    } else {
        encode_input in = {.o = o, .pixels = rgb};
        unsigned char *cmyk = NULL;
        if (o->color == PHOTOGEN_CMYK || o->color == PHOTOGEN_YCCK) {
            cmyk = to_cmyk(rgb, (size_t)o->width * (size_t)o->height);
            in.pixels = cmyk;
        }
        unsigned char *icc = o->icc ? make_icc(o->icc, &in.icc_len) : NULL;
        in.icc = icc;
        if (!in.pixels || (o->icc && !icc)) {
            snprintf(why, why_size, "out of memory");
            ok = false;
        } else if (o->quality > 0) {
            ok = encode(&in, o->quality, &out->data, &out->len, why, why_size);
            out->quality = o->quality;
            out->encodes = 1;
            out->in_window = ok && out->len >= o->min_bytes && out->len <= o->max_bytes;
        } else {
            ok = search_window(&in, out, why, why_size);
        }
        free(icc);
        free(cmyk);
        free(rgb);
    }
    if (!ok) {
        photogen_result_free(out);
        return false;
    }
    out->len = o->truncate >= out->len ? 0 : out->len - o->truncate;
    return true;
}

void photogen_result_free(photogen_result *result)
{
    if (!result)
        return;
    free(result->data);
    memset(result, 0, sizeof *result);
}

bool photogen_write(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    int saved = errno;
    if (fclose(f) != 0)
        ok = false;
    else if (!ok)
        errno = saved;
    return ok;
}

/* ---- batch ------------------------------------------------------------------ */

typedef struct batch {
    const char *dir;
    int start;
    int written; /* updated under the lock */
    char why[256];
    pthread_mutex_t lock;
} batch;

static void batch_one(void *context, size_t i)
{
    batch *b = context;
    photogen_options o;
    photogen_defaults(&o);
    o.seed = (uint32_t)(b->start + (int)i);
    photogen_result r;
    char why[200] = "";
    char name[16];
    snprintf(name, sizeof name, "%04d.jpg", b->start + (int)i);
    char *path = gpi_path_join(b->dir, name);
    bool ok = path && photogen_make(&o, &r, why, sizeof why);
    if (ok && !(ok = photogen_write(path, r.data, r.len)))
        snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
    if (ok && !r.in_window)
        snprintf(why, sizeof why, "%s: %zu bytes is outside the window", name, r.len);
    if (ok)
        photogen_result_free(&r);
    free(path);
    pthread_mutex_lock(&b->lock);
    if (ok)
        b->written++;
    if (!ok && !why[0])
        snprintf(why, sizeof why, "out of memory");
    if (why[0] && !b->why[0])
        snprintf(b->why, sizeof b->why, "%s", why);
    pthread_mutex_unlock(&b->lock);
}

size_t photogen_batch(const char *dir, int start, int count, char *why, size_t why_size)
{
    if (start < 1 || count < 0 || start + count - 1 > 9999) {
        snprintf(why, why_size, "photo numbers must stay within 0001–9999");
        return 0;
    }
    gp_error err = {0};
    if (!gpi_mkdirs(dir, &err)) {
        snprintf(why, why_size, "%s", err.message);
        return 0;
    }
    batch b = {.dir = dir, .start = start};
    pthread_mutex_init(&b.lock, NULL);
    gpi_parallel_for((size_t)count, 0, batch_one, &b);
    pthread_mutex_destroy(&b.lock);
    if (b.why[0])
        snprintf(why, why_size, "%s", b.why);
    return (size_t)b.written;
}
