/* The office's rules: which profile received bundles are judged by.  The
 * office decides (--profile, or its config file); a bundle only claims. */
#ifndef GPI_OFFICE_H
#define GPI_OFFICE_H

#include "verify/reader.h"

/* Read when --config is not given; absent is fine (built-in default). */
#define GPI_OFFICE_CONFIG "/etc/gradpack/office.ini"

/** The profile (name or path) verify and merge use: options->profile, else
 *  `profile` in the [office] section of options->config (else of
 *  GPI_OFFICE_CONFIG when that file exists), else GP_DEFAULT_PROFILE.
 *  Returns a malloc'd string, or NULL with err set when a config file is
 *  given but cannot be read or is malformed, or on OOM. */
char *gpi_office_profile(const gp_verify_options *options, gp_error *err);

#endif
