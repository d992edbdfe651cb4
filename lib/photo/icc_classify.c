/*
 * icc_classify.c — is an embedded ICC profile sRGB?  The standard allows
 * "标准RGB" and forbids other embedded profiles, and profiles differ in name
 * ("sRGB IEC61966-2.1", "sRGB built-in", localised names), so the decision
 * rests on what the profile does: an RGB profile whose colorants and tone
 * curves match lcms2's own sRGB is sRGB whatever it is called.  Only a
 * profile without colorant tags (LUT-based) is judged by its description.
 */
#include "photo_parts.h"
#include "photo/photo.h"

#include <ctype.h>
#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

/* Real sRGB profiles differ from lcms2's in the 4th decimal of their
 * colorants; Adobe RGB's green differs by 0.2, Display P3's by 0.1. */
#define COLORANT_TOLERANCE 0.005
#define CURVE_TOLERANCE 0.01

static const cmsTagSignature colorant_tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag,
                                                 cmsSigBlueColorantTag};
static const cmsTagSignature curve_tags[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag,
                                              cmsSigBlueTRCTag};
static const float curve_probes[3] = {0.2f, 0.5f, 0.8f};

/* lcms2's sRGB, read once. */
static struct {
    bool ok;
    cmsCIEXYZ colorant[3];
    float curve[3];
} srgb;
static pthread_once_t srgb_once = PTHREAD_ONCE_INIT;

static void load_srgb_reference(void)
{
    cmsHPROFILE h = cmsCreate_sRGBProfile();
    if (!h)
        return;
    srgb.ok = true;
    for (int i = 0; i < 3; i++) {
        const cmsCIEXYZ *xyz = cmsReadTag(h, colorant_tags[i]);
        if (!xyz)
            srgb.ok = false;
        else
            srgb.colorant[i] = *xyz;
    }
    const cmsToneCurve *curve = cmsReadTag(h, cmsSigRedTRCTag);
    if (!curve)
        srgb.ok = false;
    for (int i = 0; curve && i < 3; i++)
        srgb.curve[i] = cmsEvalToneCurveFloat(curve, curve_probes[i]);
    cmsCloseProfile(h);
}

static bool close_xyz(const cmsCIEXYZ *a, const cmsCIEXYZ *b)
{
    return fabs(a->X - b->X) < COLORANT_TOLERANCE && fabs(a->Y - b->Y) < COLORANT_TOLERANCE &&
           fabs(a->Z - b->Z) < COLORANT_TOLERANCE;
}

/* 1 matches sRGB, 0 does not, -1 the profile has no colorant tags. */
static int matches_srgb_colorimetry(cmsHPROFILE h)
{
    for (int i = 0; i < 3; i++)
        if (!cmsIsTag(h, colorant_tags[i]) || !cmsIsTag(h, curve_tags[i]))
            return -1;
    for (int i = 0; i < 3; i++) {
        const cmsCIEXYZ *xyz = cmsReadTag(h, colorant_tags[i]);
        const cmsToneCurve *curve = cmsReadTag(h, curve_tags[i]);
        if (!xyz || !curve || !close_xyz(xyz, &srgb.colorant[i]))
            return 0;
        for (int k = 0; k < 3; k++)
            if (fabsf(cmsEvalToneCurveFloat(curve, curve_probes[k]) - srgb.curve[k]) >
                CURVE_TOLERANCE)
                return 0;
    }
    return 1;
}

static void printable_ascii(char *s)
{
    for (; *s; s++)
        if (!isprint((unsigned char)*s))
            *s = '?';
}

static bool mentions_srgb(const char *desc)
{
    for (const char *p = desc; *p; p++)
        if (strncasecmp(p, "srgb", 4) == 0)
            return true;
    return false;
}

gpi_icc_kind gpi_icc_classify(const unsigned char *icc, size_t len, char *desc, size_t desc_size)
{
    if (desc_size)
        desc[0] = '\0';
    if (len > UINT32_MAX)
        return GPI_ICC_BROKEN;
    pthread_once(&srgb_once, load_srgb_reference);
    cmsHPROFILE h = cmsOpenProfileFromMemTHR(NULL, icc, (cmsUInt32Number)len);
    if (!h)
        return GPI_ICC_BROKEN;
    if (desc_size) {
        cmsGetProfileInfoASCII(h, cmsInfoDescription, "en", "US", desc,
                               (cmsUInt32Number)desc_size);
        desc[desc_size - 1] = '\0';
        printable_ascii(desc);
    }
    gpi_icc_kind kind = GPI_ICC_OTHER;
    if (cmsGetColorSpace(h) == cmsSigRgbData && srgb.ok) {
        int match = matches_srgb_colorimetry(h);
        if (match == 1 || (match < 0 && desc_size && mentions_srgb(desc)))
            kind = GPI_ICC_SRGB;
    }
    cmsCloseProfile(h);
    return kind;
}
