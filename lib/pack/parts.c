/* Email-sized parts.  Mail services cap attachments, so --max-part-size
 * splits a submission into complete bundles of its own.  The size of a zip
 * is known only after it is written, so parts are planned from upper
 * bounds of every byte a row and a part can add (each constant below is
 * larger than what libzip and libxlsxwriter write), and pack checks the
 * real size afterwards. */
#include "pack_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Local header 30 + central header 46 + Zip64 extras 20 + 28 + data
 * descriptor 24 + WinZip AES (extras 2×11, salt 16, verifier 2, MAC 10) =
 * 198, rounded up; the entry name is counted separately (twice). */
#define ENTRY_OVERHEAD 512
#define LONGEST_ENTRY_NAME 32    /* "roster.xlsx", "photos/0001.jpg", "MANIFEST.sha256" */
#define WORKBOOK_SKELETON 32768  /* an empty workbook from libxlsxwriter is ~5.5 KB */
#define JSON_SKELETON 4096       /* bundle.json without its free text is < 600 bytes */
#define TEXT_HEADERS 1024        /* roster.csv header line, three manifest lines */
#define ARCHIVE_END 256          /* end of central directory, Zip64 end and locator */
#define ESCAPE_FACTOR 7          /* worst growth of text escaped in XML or JSON */
#define ROW_XML 1024             /* one workbook row's tags */
#define MANIFEST_LINE 128

uint64_t gpi_part_fixed_cost(size_t id_len, size_t text_bytes)
{
    uint64_t entry = ENTRY_OVERHEAD + 2 * (id_len + 1 + LONGEST_ENTRY_NAME);
    return 4 * entry + WORKBOOK_SKELETON + JSON_SKELETON + TEXT_HEADERS + ARCHIVE_END +
           ESCAPE_FACTOR * (uint64_t)text_bytes * 2; /* once in bundle.json, once in the workbook */
}

uint64_t gpi_part_row_cost(size_t id_len, uint64_t photo_bytes, size_t value_bytes)
{
    uint64_t entry = ENTRY_OVERHEAD + 2 * (id_len + 1 + LONGEST_ENTRY_NAME);
    uint64_t csv = 3 * (uint64_t)value_bytes + 64;   /* quotes doubled, commas, CRLF; deflate grows < 1% */
    uint64_t xlsx = ROW_XML + ESCAPE_FACTOR * (uint64_t)value_bytes;
    return photo_bytes + entry + MANIFEST_LINE + csv + xlsx;
}

bool gpi_plan_parts(const uint64_t *row_cost, size_t count, uint64_t fixed, uint64_t limit,
                   gpi_part_range **parts, size_t *part_count)
{
    *parts = NULL;
    *part_count = 0;
    if (count == 0)
        return false;
    gpi_part_range *out = malloc(count * sizeof *out); /* at most one part per row */
    if (!out) {
        *part_count = SIZE_MAX;
        return false;
    }
    if (limit == 0) {
        out[0] = (gpi_part_range){0, count};
        *parts = out;
        *part_count = 1;
        return true;
    }
    size_t n = 0;
    uint64_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (row_cost[i] > limit || fixed > limit - row_cost[i]) {
            free(out);
            return false;
        }
        if (n == 0 || used + row_cost[i] > limit) {
            out[n++] = (gpi_part_range){i, 0};
            used = fixed;
        }
        out[n - 1].count++;
        used += row_cost[i];
    }
    *parts = out;
    *part_count = n;
    return true;
}

bool gp_parse_size(const char *text, uint64_t *bytes)
{
    if (!text || !(*text >= '0' && *text <= '9'))
        return false;
    errno = 0;
    char *end;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    /* "20M", "20MB", "20MiB"; a bare "B" after a number means bytes */
    if (shift && (*end == 'i' || *end == 'I'))
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end || value == 0)
        return false;
    if (value > (UINT64_MAX >> shift))
        return false;
    *bytes = (uint64_t)value << shift;
    return true;
}
