/*
 * profile.h — what a profile holds (templates/profiles/NAME.ini): the
 * photo rules, the school's pinned values, the roster's vocabulary.
 */
#ifndef GPI_PROFILE_H
#define GPI_PROFILE_H

#include "core/fields.h"

typedef struct gpi_string_list {
    char **items;
    size_t count;
} gpi_string_list;

typedef struct gpi_level_mapping {
    char *from;
    char *to;
} gpi_level_mapping;

struct gp_profile {
    char *name;          /* file name without .ini */
    char *title;         /* for people */
    char *path;

    /* [photo] */
    int width, height;
    uint64_t min_bytes, max_bytes; /* inclusive */
    int dpi;
    int components;      /* 3 */
    int bits;            /* 8 per component */
    bool allow_srgb_icc; /* an embedded sRGB profile is fine, any other is not */

    /* [school]: values every row must carry; NULL when not pinned */
    char *school_type, *school_code, *school_name;

    /* [roster] vocabulary, from the fields file the profile names */
    gpi_string_list header_aliases[GPI_FIELD_COUNT]; /* includes the label itself */
    gpi_string_list levels;                         /* 成人专科, 成人本科 */
    gpi_level_mapping *level_map;                   /* 高起专 -> 成人专科 ... */
    size_t level_map_count;
    gpi_string_list sexes;                          /* 男, 女 */

    /* [content] and [severity]: the content rules (lib/photo/content.h) */
    struct gpi_content_profile *content;
    /* [profile] agency, cover_letter; [mail] attachment_limit */
    char *agency;                 /* who receives the submission ("新华社") */
    char *cover_letter;           /* template file, relative to the profile's folder or datadir */
    uint64_t mail_attachment_limit; /* bytes per attachment; 0 = no limit */
};

/** [mail] attachment_limit when the profile does not say: 35 MiB. */
#define GPI_DEFAULT_MAIL_ATTACHMENT_LIMIT (35ull * 1024 * 1024)

/** Human text for the profile's size window, e.g. "563200–665600". */
void gpi_profile_size_window(const gp_profile *profile, char *buf, size_t size);

#endif
