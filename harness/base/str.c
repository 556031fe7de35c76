/* str.c - string copies and typo suggestions. */
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

char *cf_strdup(const char *s)
{
    return s ? cf_strndup(s, strlen(s)) : NULL;
}

char *cf_strndup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t cf_str_distance(const char *a, const char *b)
{
    enum { N = 32 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= N || lb >= N)
        return (size_t)-1;
    size_t row[N];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cf_str_suggest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = 3; /* only close names: a far one misleads more than it helps */
    size_t len = strlen(word);
    for (; *names; names++) {
        size_t d = cf_str_distance(word, *names);
        if (d < best_d && d < len) {
            best_d = d;
            best = *names;
        }
    }
    return best;
}

char *cf_str_join(char *out, size_t n, const char *const *names)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        size_t need = strlen(names[i]) + (i ? 2 : 0);
        if (at + need + 4 > n) { /* room for "..." and the NUL */
            memcpy(out + at, "...", 4);
            return out;
        }
        if (i) {
            memcpy(out + at, ", ", 2);
            at += 2;
        }
        memcpy(out + at, names[i], need - (i ? 2 : 0));
        at += need - (i ? 2 : 0);
        out[at] = '\0';
    }
    return out;
}
