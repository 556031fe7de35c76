/* str.c - string copies. */
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
