/* Which password opens a received bundle (gp_verify_options.passwords). */
#ifndef GPI_VERIFY_PASSWORDS_H
#define GPI_VERIFY_PASSWORDS_H

#include "verify/reader.h"

/** The password to open `path` with: the entry named for the bundle (file
 *  name with or without .zip, or its name before -partK-of-N); else the
 *  first of the entries, then options->password, that opens the bundle's
 *  first encrypted entry; else options->password.  Owned by options. */
const char *gpi_verify_choose_password(const gp_verify_options *options, const char *path);
/** Whether `path` is a zip with at least one encrypted entry. */
bool gpi_zip_has_encrypted_entry(const char *path);

#endif
