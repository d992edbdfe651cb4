/* files.h — reading inputs relative to a folder that was opened once. */
#ifndef GP_CORE_FILES_H
#define GP_CORE_FILES_H

#include "gp_internal.h"

/** gp_read_file for `name` inside the folder open as dir_fd (a photo of
 *  the listed folder): opened relative to that fd without blocking, a final
 *  link followed only when follow_last; `shown` names the file in
 *  messages.  dir_fd < 0: `shown` is opened as a path. */
bool gp_read_file_at(int dir_fd, const char *name, bool follow_last, const char *shown,
                     size_t max, unsigned char **data, size_t *len, gp_error *err);

/** gp_read_file for an input the user named, `what` naming it in
 *  messages ("花名册", "函授站信息文件"): opened without blocking, a FIFO,
 *  device or folder refused with a clear GP_ERR_OPEN. */
bool gp_read_input(const char *what, const char *path, size_t max, unsigned char **data,
                   size_t *len, gp_error *err);

#endif /* GP_CORE_FILES_H */
