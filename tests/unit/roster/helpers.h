/* Shared helpers for the roster unit tests: the real profile, CSV text built
 * in memory, valid ID numbers made with their check character, and lookups
 * of findings. */
#ifndef ROSTER_TEST_HELPERS_H
#define ROSTER_TEST_HELPERS_H

#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "roster/roster.h"

#define HEADER "拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称"

/** Load a profile from templates/ (GRADPACK_DATADIR); fails the test if it
 *  cannot be loaded. */
gp_profile *load_profile(const char *name);

/** An 18-character ID: region (6 digits), birth date YYYYMMDD, and a
 *  sequence number 0-999 whose parity gives the sex; correct check char. */
void make_id(char out[19], const char *region, const char *date, int sequence);

/** One valid row for photo `seq` ("0001"), male, with a distinct ID number
 *  and student number derived from n.  Appended with `eol`. */
void append_row(gpi_buf *csv, int n, const char *seq, const char *eol);

/** Append a row of nine given cells. */
void append_cells(gpi_buf *csv, const char *const cells[9], const char *eol);

/** Parse text with the given profile into a new report (*report). */
gpi_roster *parse_text(const char *text, size_t len, const char *encoding,
                      const gp_profile *profile, gp_report **report);
/** Parse and apply the rules. */
gpi_roster *parse_and_judge(const char *text, const gp_profile *profile, gp_report **report);

/** First finding with this code (and row, when row > 0), or NULL. */
const gp_finding *find_code(const gp_report *report, gp_code code, int row);
size_t count_code(const gp_report *report, gp_code code);

/** A temporary folder (mkdtemp) and its removal with its files. */
char *temp_dir(void);
void remove_dir(char *dir);

#endif
