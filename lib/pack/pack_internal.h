/* What the files of lib/pack share and nothing else needs: the station
 * file, part planning and the cover letter.  (The bundle format pack writes
 * is bundle/bundle.h.) */
#ifndef GPI_PACK_INTERNAL_H
#define GPI_PACK_INTERNAL_H

#include "check/check.h"

#include "bundle/bundle.h"

/* ---- the station file (station.c) ------------------------------------ */

/** Read station.ini.  path NULL → pack.station.missing; an empty key →
 *  pack.station.field (both warnings in report).  false with err set when
 *  the named file cannot be read or is not UTF-8 ini text. */
bool gpi_station_load(const char *path, gpi_station *station, gp_report *report, gp_error *err);
void gpi_station_clear(gpi_station *station);
/** The value, or the placeholder when it is missing. */
const char *gpi_station_value_or_placeholder(const gpi_station *station, gpi_station_field field);

/* ---- parts (parts.c) --------------------------------------------------- */

/* Rows first .. first+count-1 (in photo-number order) form one part. */
typedef struct gpi_part_range {
    size_t first, count;
} gpi_part_range;

/** Upper bound of the bytes a part adds for everything but its rows: the
 *  workbook's skeleton, bundle.json, the headers of roster.csv and the
 *  manifest, their zip entries and the end of the archive.  id_len is the
 *  longest BUNDLE_ID a part can have; text_bytes the bytes of free text in
 *  bundle.json and the workbook's properties (name, station, school). */
uint64_t gpi_part_fixed_cost(size_t id_len, size_t text_bytes);
/** Upper bound of the bytes one row adds: its photo stored, its zip entry
 *  (with Zip64 and AES extras), its manifest line, its share of roster.csv
 *  (deflated) and of the workbook.  value_bytes: the row's nine values. */
uint64_t gpi_part_row_cost(size_t id_len, uint64_t photo_bytes, size_t value_bytes);

/** Split rows into parts in order, greedily, each costing at most limit
 *  (fixed + the sum of its rows' costs); limit 0 = one part.  Returns
 *  false when some single row does not fit (or count is 0); the caller
 *  names those rows.  *parts is malloc'd.  On OOM returns false with
 *  *part_count == SIZE_MAX. */
bool gpi_plan_parts(const uint64_t *row_cost, size_t count, uint64_t fixed, uint64_t limit,
                   gpi_part_range **parts, size_t *part_count);

/* ---- reading photos ahead of the zip writer (photo_pipeline.c) --------- */

typedef struct gpi_photo_pipeline gpi_photo_pipeline;

/** Start reading files[0..count-1], each once, on `threads` workers (0 =
 *  one per core), into results[i] (gpi_check_read_photo, with thumbnails
 *  when asked), keeping each
 *  photo's bytes until gpi_photo_pipeline_take; at most a bounded window of
 *  photos is held.  NULL with err set. */
gpi_photo_pipeline *gpi_photo_pipeline_start(const gpi_photo_file *files, gpi_photo_result *results,
                                           size_t count, int threads, bool thumbnails,
                                           gp_error *err);
/** Photo i's bytes (malloc'd, the caller frees), waiting until it is read.
 *  Photos must be taken in order 0, 1, 2 ...  false when it could not be
 *  read (see results[i]) or was taken out of order. */
bool gpi_photo_pipeline_take(gpi_photo_pipeline *pipeline, size_t i, unsigned char **data,
                            size_t *len);
/** Keep no more bytes: photos not taken yet are still read and inspected
 *  (so every results[i] is filled), then the workers are joined and the
 *  pipeline freed.  NULL is fine. */
void gpi_photo_pipeline_finish(gpi_photo_pipeline *pipeline);

/* ---- the cover letter (cover_letter.c) --------------------------------- */

typedef struct gpi_letter_value {
    const char *key;    /* {{key}} in the template */
    const char *value;
} gpi_letter_value;

/** Fill {{key}} placeholders of template text (unknown ones stay as they
 *  are); the result has CRLF line endings and a UTF-8 BOM, as Windows
 *  Notepad expects.  malloc'd (length in *len), NULL on OOM. */
char *gpi_letter_fill(const char *template_text, size_t template_len,
                     const gpi_letter_value *values, size_t value_count, size_t *len);

#endif
