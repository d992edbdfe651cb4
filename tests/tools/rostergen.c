/* rostergen: print a valid roster CSV of N fake students, for the end-to-end
 * tests, the samples and the benchmark.
 *
 *   rostergen N [--start SEQ] [--school-code CODE] [--seed S] [--encoding GB18030]
 *
 * Fake but plausible: names from a fixed list of common characters, ID
 * numbers with real Shandong region codes, birth dates 1970-2003, the 17th
 * digit matching the sex and the right check character (gpi_id_check_char,
 * the library's own), unique ID and student numbers.  The same arguments
 * always give the same bytes.  UTF-8 with a BOM and CRLF, as Excel's "CSV
 * UTF-8" writes it; --encoding GB18030 gives what Chinese Excel's plain
 * "CSV" writes (no BOM). */
#include "core/base.h"
#include "core/fields.h"
#include "roster/roster.h"

#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
};

static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "辉", "建",
    "晓", "文", "斌", "宁", "雪", "婷", "博", "宇", "浩", "凯", "佳", "欣", "悦", "琳", "晨",
    "海", "波", "亮", "琦", "瑶", "振", "国", "志", "春", "燕", "丹", "蕾", "倩", "峰", "鑫",
};

/* 济南, 青岛, 淄博 (张店, 淄川, 博山, 临淄, 周村, 桓台), 枣庄, 东营, 烟台, 潍坊,
 * 济宁, 泰安, 威海, 日照, 临沂, 德州, 聊城, 滨州, 菏泽 */
static const char *const regions[] = {
    "370102", "370202", "370302", "370303", "370304", "370305", "370306", "370321",
    "370402", "370502", "370602", "370702", "370811", "370902", "371002", "371102",
    "371302", "371402", "371502", "371602", "371702",
};

/* splitmix64: small, fast and the same everywhere, so a seed means one roster */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned pick(uint64_t *state, unsigned n)
{
    return (unsigned)(next_random(state) % n);
}

/* Seen ID numbers (their first 17 digits as a number), to keep them unique. */
typedef struct id_set {
    uint64_t *slots; /* 0 = empty */
    size_t size;     /* a power of two, at least twice the count */
} id_set;

static bool id_set_add(id_set *set, uint64_t key)
{
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull) & (set->size - 1);
    while (set->slots[i]) {
        if (set->slots[i] == key)
            return false;
        i = (i + 1) & (set->size - 1);
    }
    set->slots[i] = key;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

/* A new valid ID number for sex (1 male, 2 female), unique within set. */
static void make_id(uint64_t *rng, int sex, id_set *set, char out[19])
{
    char digits[32];
    for (;;) {
        int year = 1970 + (int)pick(rng, 34);
        int month = 1 + (int)pick(rng, 12);
        int day = 1 + (int)pick(rng, (unsigned)days_in_month(year, month));
        int order = (int)pick(rng, 50) * 10 + (int)pick(rng, 5) * 2 + (sex == 1);
        snprintf(digits, sizeof digits, "%s%04d%02d%02d%03d",
                 regions[pick(rng, GPI_ARRAY_LEN(regions))], year, month, day, order);
        if (id_set_add(set, strtoull(digits, NULL, 10)))
            break;
    }
    memcpy(out, digits, 17);
    out[17] = gpi_id_check_char(out);
    out[18] = '\0';
}

static void make_name(uint64_t *rng, char *out, size_t size)
{
    const char *surname = surnames[pick(rng, GPI_ARRAY_LEN(surnames))];
    const char *first = given[pick(rng, GPI_ARRAY_LEN(given))];
    if (pick(rng, 3))
        snprintf(out, size, "%s%s%s", surname, first, given[pick(rng, GPI_ARRAY_LEN(given))]);
    else
        snprintf(out, size, "%s%s", surname, first);
}

typedef struct options {
    long count, start;
    const char *school_code;
    uint64_t seed;
    bool gb18030;
} options;

static char *roster_csv(const options *o)
{
    id_set set = {.size = 32768};
    set.slots = calloc(set.size, sizeof *set.slots);
    if (!set.slots)
        return NULL;
    uint64_t rng = o->seed;
    gpi_buf csv = {0};
    if (!o->gb18030)
        gpi_buf_puts(&csv, "\xEF\xBB\xBF");
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        gpi_buf_printf(&csv, "%s%s", f ? "," : "", gpi_field_label((gpi_field)f));
    gpi_buf_puts(&csv, "\r\n");
    for (long i = 0; i < o->count; i++) {
        long seq = o->start + i;
        int sex = 1 + (int)pick(&rng, 2);
        bool bachelor = pick(&rng, 2);
        int enrolled = bachelor ? 2019 : 2018 + (int)pick(&rng, 2);
        char id[19], name[32];
        make_id(&rng, sex, &set, id);
        make_name(&rng, name, sizeof name);
        const char *code = o->school_code;
        size_t code_len = strlen(code);
        gpi_buf_printf(&csv, "%04ld,%s,%d%s%02u%04ld,%s,%s,%s,普通高校,%s,山东理工大学\r\n", seq,
                      bachelor ? "成人本科" : "成人专科", enrolled,
                      code_len >= 3 ? code + code_len - 3 : code, 1 + pick(&rng, 20), seq, name,
                      sex == 1 ? "男" : "女", id, code);
    }
    free(set.slots);
    return gpi_buf_take(&csv);
}

static int write_gb18030(const char *utf8)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1)
        return perror("rostergen: iconv"), 1;
    size_t in_left = strlen(utf8), out_cap = in_left + 16, out_left = out_cap;
    char *out = malloc(out_cap), *in = (char *)utf8, *op = out;
    int status = 0;
    if (!out || iconv(cd, &in, &in_left, &op, &out_left) == (size_t)-1) {
        perror("rostergen: GB18030");
        status = 1;
    } else if (fwrite(out, 1, (size_t)(op - out), stdout) != (size_t)(op - out)) {
        status = 1;
    }
    free(out);
    iconv_close(cd);
    return status;
}

static int usage(void)
{
    fputs("usage: rostergen N [--start SEQ] [--school-code CODE] [--seed S] "
          "[--encoding UTF-8|GB18030]\n",
          stderr);
    return 2;
}

static bool parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"start", required_argument, NULL, 's'},
        {"school-code", required_argument, NULL, 'c'},
        {"seed", required_argument, NULL, 'r'},
        {"encoding", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0},
    };
    options o = {.start = 1, .school_code = "10433", .seed = 1};
    long seed = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (!parse_long(optarg, 1, GPI_MAX_ROWS, &o.start))
                return usage();
            break;
        case 'c': o.school_code = optarg; break;
        case 'r':
            if (!parse_long(optarg, 0, LONG_MAX, &seed))
                return usage();
            o.seed = (uint64_t)seed;
            break;
        case 'e':
            if (!strcasecmp(optarg, "GB18030") || !strcasecmp(optarg, "GBK"))
                o.gb18030 = true;
            else if (strcasecmp(optarg, "UTF-8") != 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (argc - optind != 1 || !parse_long(argv[optind], 0, GPI_MAX_ROWS, &o.count))
        return usage();
    if (o.start + o.count - 1 > GPI_MAX_ROWS) {
        fprintf(stderr, "rostergen: photo numbers would pass %d\n", GPI_MAX_ROWS);
        return 2;
    }
    char *csv = roster_csv(&o);
    if (!csv)
        return fputs("rostergen: out of memory\n", stderr), 1;
    int status = o.gb18030 ? write_gb18030(csv) : fputs(csv, stdout) == EOF;
    free(csv);
    return status || fflush(stdout) != 0;
}
