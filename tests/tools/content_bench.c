/* content_bench: what the content rules cost per photo, in CPU time of the
 * calling thread (so other processes on a busy machine do not count).
 *
 *   content_bench PHOTO.jpg...   (each photo is measured ROUNDS times)
 *
 * Prints the model load, then per photo (median over photos of the mean
 * over rounds): the inspection as check did it before the content rules
 * (gpi_jpeg_inspect, 1/8 scale), the inspection with the 1/4-scale preview,
 * and gpi_content_measure on that preview.  Prints figures, asserts nothing
 * (bench/bench.sh runs it). */
#include "face/face.h"
#include "check/check.h"
#include "core/files.h"
#include "photo/photo.h"
#include "photo/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare);
    return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: content_bench PHOTO.jpg...\n");
        return 2;
    }
    const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 3;
    int n = argc - 1;
    double *old = calloc((size_t)n, sizeof *old), *pre = calloc((size_t)n, sizeof *pre);
    double *meas = calloc((size_t)n, sizeof *meas), *det = calloc((size_t)n, sizeof *det);
    double t0 = cpu_ms();
    char why[512];
    gpi_face_status st = gpi_face_load(why, sizeof why);
    printf("model load: %.0f ms CPU (%s)\n", cpu_ms() - t0, st == GPI_FACE_OK ? "ok" : why);
    int faces = 0;
    for (int i = 0; i < n; i++) {
        unsigned char *data;
        size_t len;
        gp_error err = {0};
        if (!gpi_read_file(argv[i + 1], 64u << 20, &data, &len, &err)) {
            fprintf(stderr, "%s: %s\n", argv[i + 1], err.message);
            return 1;
        }
        for (int r = 0; r < rounds; r++) {
            gpi_jpeg_info info;
            double a = cpu_ms();
            gpi_jpeg_inspect(data, len, &info);
            double b = cpu_ms();
            gpi_preview preview = {0};
            gpi_jpeg_inspect_preview(data, len, &info, 240, &preview);
            double c = cpu_ms();
            gpi_photo_measure m;
            gpi_content_measure(&preview, info.width, info.height, &m);
            double d = cpu_ms();
            gpi_face found[4];
            gpi_face_detect(preview.rgb, preview.width, preview.height, preview.width * 3, found,
                           4, NULL);
            det[i] += (cpu_ms() - d) / rounds;
            gpi_preview_free(&preview);
            old[i] += (b - a) / rounds;
            pre[i] += (c - b) / rounds;
            meas[i] += (d - c) / rounds;
            if (r == 0 && m.faces > 0)
                faces++;
        }
        free(data);
    }
    printf("photos: %d (%d with a face found), %d rounds each\n", n, faces, rounds);
    printf("per photo, median CPU ms: inspect 1/8 %.1f | inspect with 1/4 preview %.1f | "
           "content measure %.1f (of which face detection and landmarks %.1f) | "
           "added by the content rules %.1f\n",
           median(old, n), median(pre, n), median(meas, n), median(det, n),
           median(pre, n) + median(meas, n) - median(old, n));
    free(old);
    free(pre);
    free(meas);
    free(det);
    return 0;
}
