/*
 * base.h — what every part of libgradpack uses: printf checking, array
 * length, operational errors (gp_error), text helpers and the growable
 * buffer.
 */
#ifndef GPI_BASE_H
#define GPI_BASE_H

#include "gradpack.h"
#include <stdarg.h>
#include <stdio.h>

#define GPI_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#define GPI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/** Set err unless it is NULL or already set (the first failure is the real
 *  one).  Always returns false so callers can `return gpi_error_set(...)`. */
bool gpi_error_set(gp_error *err, gp_status status, int sys_errno, const char *fmt, ...)
    GPI_PRINTF(4, 5);
/** gpi_error_set with GP_ERR_NOMEM and a standard message. */
bool gpi_error_nomem(gp_error *err);

/** Whether s (len bytes) is valid UTF-8. */
bool gpi_utf8_valid(const char *s, size_t len);
/** Trim ASCII and ideographic (U+3000) spaces from both ends, in place. */
char *gpi_trim(char *s);
/** Replace full-width ASCII (U+FF01..U+FF5E) with half-width, in place.
 *  Returns whether anything changed. */
bool gpi_fullwidth_to_ascii(char *s);
/** strdup that records OOM in err. */
char *gpi_strdup(const char *s, gp_error *err);
/** printf into a malloc'd string; NULL on OOM. */
char *gpi_asprintf(const char *fmt, ...) GPI_PRINTF(1, 2);

/** Room for items[count] in a growable array of `size`-byte elements: when
 *  count has reached *cap, realloc to twice *cap (first_cap at first) and
 *  update *cap.  Returns the array to store back (items when there was
 *  room), or NULL on OOM with items and *cap left as they were. */
void *gpi_grow(void *items, size_t count, size_t *cap, size_t size, size_t first_cap);

/* Growable byte buffer. */
typedef struct gpi_buf {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; contents are incomplete */
} gpi_buf;
void gpi_buf_append(gpi_buf *buf, const void *data, size_t len);
void gpi_buf_puts(gpi_buf *buf, const char *s);
void gpi_buf_printf(gpi_buf *buf, const char *fmt, ...) GPI_PRINTF(2, 3);
/** Take the NUL-terminated contents (caller frees); NULL if failed. */
char *gpi_buf_take(gpi_buf *buf);
void gpi_buf_free(gpi_buf *buf);

#endif
