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

#endif /* GP_CORE_FILES_H */
