/* Display width (a small wcwidth for the scripts a clerk's report holds:
 * CJK ideographs, kana, Hangul, full-width forms) and number ranges. */
#include "text_width.h"

#include "core/base.h"

#include <stdlib.h>

int gpi_codepoint_width(uint32_t cp)
{
    if (cp == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 0;
    /* combining marks, zero-width space/joiners, variation selectors */
    if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) ||
        (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff)
        return 0;
    static const uint32_t wide[][2] = {
        {0x1100, 0x115f},   /* Hangul Jamo initials */
        {0x2e80, 0x303e},   /* CJK radicals, punctuation (、。「」) */
        {0x3041, 0x33ff},   /* kana, bopomofo, CJK compatibility */
        {0x3400, 0x4dbf},   /* CJK extension A */
        {0x4e00, 0x9fff},   /* CJK unified ideographs */
        {0xa000, 0xa4cf},   /* Yi */
        {0xac00, 0xd7a3},   /* Hangul syllables */
        {0xf900, 0xfaff},   /* CJK compatibility ideographs */
        {0xfe10, 0xfe19},   /* vertical forms */
        {0xfe30, 0xfe6f},   /* CJK compatibility forms, small forms */
        {0xff00, 0xff60},   /* full-width forms (，：；（）) */
        {0xffe0, 0xffe6},   /* full-width signs */
        {0x1f300, 0x1f64f}, /* pictographs, emoticons */
        {0x1f900, 0x1f9ff},
        {0x20000, 0x3fffd}, /* CJK extensions B… */
    };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

size_t gpi_text_width(const char *text)
{
    size_t width = 0;
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        uint32_t cp;
        int len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xe0) == 0xc0) {
            cp = *p & 0x1f;
            len = 2;
        } else if ((*p & 0xf0) == 0xe0) {
            cp = *p & 0x0f;
            len = 3;
        } else if ((*p & 0xf8) == 0xf0) {
            cp = *p & 0x07;
            len = 4;
        } else {
            width++;
            p++;
            continue;
        }
        int k = 1;
        for (; k < len && (p[k] & 0xc0) == 0x80; k++)
            cp = (cp << 6) | (p[k] & 0x3f);
        if (k < len) { /* truncated sequence */
            width++;
            p++;
            continue;
        }
        width += (size_t)gpi_codepoint_width(cp);
        p += len;
    }
    return width;
}

void gpi_buf_put_padded(gpi_buf *buf, const char *text, size_t columns)
{
    gpi_buf_puts(buf, text ? text : "");
    for (size_t w = gpi_text_width(text); w < columns; w++)
        gpi_buf_puts(buf, " ");
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void gpi_buf_put_ranges(gpi_buf *buf, long *numbers, size_t count, int digits,
                       size_t max_ranges)
{
    qsort(numbers, count, sizeof *numbers, compare_long);
    size_t ranges = 0;
    for (size_t i = 0; i < count;) {
        size_t j = i;
        while (j + 1 < count && (numbers[j + 1] == numbers[j] || numbers[j + 1] == numbers[j] + 1))
            j++;
        if (ranges == max_ranges) {
            gpi_buf_puts(buf, "等");
            return;
        }
        if (ranges)
            gpi_buf_puts(buf, "、");
        if (numbers[j] != numbers[i])
            gpi_buf_printf(buf, "%0*ld–%0*ld", digits, numbers[i], digits, numbers[j]);
        else
            gpi_buf_printf(buf, "%0*ld", digits, numbers[i]);
        ranges++;
        i = j + 1;
    }
}
