/* Generated passwords for --encrypt: read aloud over the phone or typed from
 * a text message, so the alphabet leaves out the look-alikes 0/O, 1/l/I.
 * Rejection sampling keeps every character equally likely. */
#include "bundle/bundle.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

char *gpi_password_generate(size_t length)
{
    static const char alphabet[] = GPI_PASSWORD_ALPHABET;
    const unsigned n = sizeof alphabet - 1;
    const unsigned limit = 256 - 256 % n; /* bytes ≥ limit would bias */
    char *out = malloc(length + 1);
    if (!out)
        return NULL;
    size_t filled = 0;
    unsigned char random[64];
    while (filled < length) {
        if (RAND_bytes(random, sizeof random) != 1) {
            free(out);
            return NULL;
        }
        for (size_t i = 0; i < sizeof random && filled < length; i++)
            if (random[i] < limit)
                out[filled++] = alphabet[random[i] % n];
    }
    out[length] = '\0';
    return out;
}
