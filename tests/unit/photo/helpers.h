/* Shared helpers for the photo unit tests: the real profile, JPEGs made by
 * photogen and judged in one step, and lookups of findings. */
#ifndef PHOTO_TEST_HELPERS_H
#define PHOTO_TEST_HELPERS_H

#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "roster/roster.h"
#include "photogen.h"

/** The default profile from templates/; fails the test when it cannot load. */
gp_profile *load_profile(void);

/** photogen_make, failing the test on error.  Caller frees the result. */
void make_photo(const photogen_options *options, photogen_result *out);

/** Inspect bytes and judge them as "0001.jpg" with the real file size. */
gp_report *judge_bytes(const unsigned char *data, size_t len, const gp_profile *profile,
                       gpi_jpeg_info *info);

/** Make, inspect and judge a photo. */
gp_report *judge_options(const photogen_options *options, const gp_profile *profile,
                         gpi_jpeg_info *info);

/** First finding with this code, or NULL. */
const gp_finding *find_code(const gp_report *report, gp_code code);
size_t count_code(const gp_report *report, gp_code code);

/** Assert the report holds exactly these codes (each once), in any order.
 *  The list ends with GP_CODE_COUNT. */
void assert_codes(const gp_report *report, ...);

/** A temporary folder (mkdtemp) and its recursive removal. */
char *temp_dir(void);
void remove_dir(char *dir);

#endif
