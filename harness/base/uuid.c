/* uuid.c - random identifiers from getrandom(2). */
#include "base/uuid.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define POOL_BYTES 4096u /* random bytes fetched per getrandom(2) call, per thread */

/* Bytes not yet handed out, per thread; a forked child starts afresh (atfork) so parent and
 * child never hand out the same bytes. */
static _Thread_local unsigned char pool[POOL_BYTES];
static _Thread_local size_t pool_left;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void forget_pool(void)
{
    pool_left = 0;
}

static void register_atfork(void)
{
    (void)pthread_atfork(NULL, NULL, forget_pool);
}

static void fill_random_direct(unsigned char *p, size_t n)
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

/* Why a pool: a busy mock makes ids for every answer, and a syscall per id cost more than
 * the rest of the id's work. */
static void fill_random(unsigned char *p, size_t n)
{
    pthread_once(&atfork_once, register_atfork);
    while (n) {
        if (pool_left == 0) {
            fill_random_direct(pool, sizeof(pool));
            pool_left = sizeof(pool);
        }
        size_t take = n < pool_left ? n : pool_left;
        unsigned char *from = pool + sizeof(pool) - pool_left;
        memcpy(p, from, take);
        memset(from, 0, take); /* handed out: not kept */
        pool_left -= take;
        p += take;
        n -= take;
    }
}

void cf_uuid_v4(char out[37])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char b[16];
    fill_random(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    size_t at = 0;
    for (size_t i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[at++] = '-';
        out[at++] = digits[b[i] >> 4];
        out[at++] = digits[b[i] & 0x0f];
    }
    out[at] = '\0';
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
