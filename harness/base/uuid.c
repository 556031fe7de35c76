/* uuid.c - random identifiers from getrandom(2). */
#include "base/uuid.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

static void fill_random(unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got == n)
        return;
    /* Why: getrandom can only fail on ancient kernels or seccomp; ids must still differ. */
    static _Thread_local uint64_t state;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    state ^= (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull + (uint64_t)ts.tv_sec;
    for (size_t i = got; i < n; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        p[i] = (unsigned char)state;
    }
}

void cf_uuid_v4(char out[37])
{
    unsigned char b[16];
    fill_random(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void cf_random_hex(char *out, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char b[64];
    size_t done = 0;
    while (done < n) {
        size_t chunk = (n - done + 1) / 2;
        if (chunk > sizeof(b))
            chunk = sizeof(b);
        fill_random(b, chunk);
        for (size_t i = 0; i < chunk && done < n; i++) {
            out[done++] = digits[b[i] >> 4];
            if (done < n)
                out[done++] = digits[b[i] & 0x0f];
        }
    }
    out[n] = '\0';
}
