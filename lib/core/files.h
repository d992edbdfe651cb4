/* files.h — reading inputs relative to a folder that was opened once. */
#ifndef GPI_CORE_FILES_H
#define GPI_CORE_FILES_H

#include "core/base.h"

/** Read a whole file, refusing more than max bytes (err GP_ERR_OPEN).
 *  *data is malloc'd (NUL-terminated for convenience) on success. */
bool gpi_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                  gp_error *err);
/** SHA-256 (OpenSSL) of a buffer; hex form is 64 chars + NUL. */
void gpi_sha256(const void *data, size_t len, unsigned char out[32]);
void gpi_hex(const unsigned char *bytes, size_t len, char *out);
/** SHA-256 of a file, streamed. */
bool gpi_sha256_file(const char *path, unsigned char out[32], gp_error *err);
/** Size and SHA-256 (hex) of a file just written, for reports. */
bool gpi_file_digest(const char *path, uint64_t *bytes, char hex[65], gp_error *err);
/** Join dir and name with one '/'.  malloc'd, NULL on OOM. */
char *gpi_path_join(const char *dir, const char *name);
/** Last path component (pointer into path). */
const char *gpi_path_base(const char *path);
/** Whether name ends with suffix, ASCII letters in any case (".JPG"). */
bool gpi_name_ends_with_ci(const char *name, const char *suffix);
/** Whether name is one a photo could have: .jpg or .jpeg, any case. */
bool gpi_name_is_jpeg(const char *name);
/** mkdir -p.  false with err set on failure. */
bool gpi_mkdirs(const char *dir, gp_error *err);

/** gpi_read_file for `name` inside the folder open as dir_fd (a photo of
 *  the listed folder): opened relative to that fd without blocking, a final
 *  link followed only when follow_last; `shown` names the file in
 *  messages.  dir_fd < 0: `shown` is opened as a path. */
bool gpi_read_file_at(int dir_fd, const char *name, bool follow_last, const char *shown,
                     size_t max, unsigned char **data, size_t *len, gp_error *err);

/** gpi_read_file for an input the user named, `what` naming it in
 *  messages ("花名册", "函授站信息文件"): opened without blocking, a FIFO,
 *  device or folder refused with a clear GP_ERR_OPEN. */
bool gpi_read_input(const char *what, const char *path, size_t max, unsigned char **data,
                   size_t *len, gp_error *err);

#endif /* GPI_CORE_FILES_H */
