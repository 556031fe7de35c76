/* json_text.c - JSON text written straight into a cf_buf, byte for byte what
 * cJSON_PrintUnformatted() prints for the same value. */
#include "base/json.h"

#include <math.h>
#include <string.h>

/* Why: building a cJSON tree only to print it, and cJSON's number printing (sprintf, then
 * sscanf to check the digits read back), cost a request or an answer most of its time. The
 * bytes must stay cJSON's, so strings and whole numbers are written here and anything else
 * is left to cJSON itself; test_json_text.c compares both on hostile values. */

cf_rc cf_json_add_chars(cf_buf *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    cf_rc rc = CF_OK;
    const char *run = s; /* start of the bytes copied as they are */
    for (; rc == CF_OK; s++) {
        unsigned char c = (unsigned char)*s;
        if (c > 31 && c != '"' && c != '\\')
            continue;
        rc = cf_buf_add(out, run, (size_t)(s - run));
        if (c == '\0' || rc != CF_OK)
            break;
        run = s + 1;
        /* cJSON's two-character escapes, else \u00XX in lowercase hex. */
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                                      : NULL;
        char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0'};
        rc = cf_buf_adds(out, esc ? esc : u);
    }
    return rc;
}

cf_rc cf_json_add_string(cf_buf *out, const char *s)
{
    /* Nearly every string needs no escape: its bytes go in with one add. */
    size_t n = 0;
    while ((unsigned char)s[n] > 31 && s[n] != '"' && s[n] != '\\')
        n++;
    cf_rc rc = cf_buf_addc(out, '"');
    if (rc == CF_OK)
        rc = cf_buf_add(out, s, n);
    if (rc == CF_OK && s[n])
        rc = cf_json_add_chars(out, s + n);
    return rc == CF_OK ? cf_buf_addc(out, '"') : rc;
}

/* A whole number below 1e15 in magnitude prints as its digits under both "%1.15g" and the
 * "%d" of newer cJSON versions; -0 is left to cJSON (the two formats disagree on it). */
static int plain_integer(double d)
{
    return d > -1e15 && d < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d));
}

static cf_rc add_integer(cf_buf *out, long long n)
{
    char digits[24];
    size_t at = sizeof(digits);
    unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;
    do
        digits[--at] = (char)('0' + u % 10);
    while (u /= 10);
    if (n < 0)
        digits[--at] = '-';
    return cf_buf_add(out, digits + at, sizeof(digits) - at);
}

/* Any other value, printed by cJSON: into a small stack buffer first, else allocated. */
static cf_rc add_by_cjson(cf_buf *out, const cJSON *v)
{
    char small[256];
    if (cJSON_PrintPreallocated((cJSON *)v, small, (int)sizeof(small), 0))
        return cf_buf_adds(out, small);
    char *text = cJSON_PrintUnformatted(v);
    if (!text)
        return CF_E_NOMEM;
    cf_rc rc = cf_buf_adds(out, text);
    cJSON_free(text);
    return rc;
}

cf_rc cf_json_add(cf_buf *out, const cJSON *v)
{
    if (cJSON_IsString(v))
        return cf_json_add_string(out, v->valuestring ? v->valuestring : "");
    if (cJSON_IsNumber(v) && plain_integer(v->valuedouble))
        return add_integer(out, (long long)v->valuedouble);
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return add_by_cjson(out, v);
    int object = cJSON_IsObject(v);
    cf_rc rc = cf_buf_addc(out, object ? '{' : '[');
    for (const cJSON *c = v->child; rc == CF_OK && c; c = c->next) {
        if (c != v->child)
            rc = cf_buf_addc(out, ',');
        if (rc == CF_OK && object)
            rc = cf_json_add_string(out, c->string ? c->string : "");
        if (rc == CF_OK && object)
            rc = cf_buf_addc(out, ':');
        if (rc == CF_OK)
            rc = cf_json_add(out, c);
    }
    return rc == CF_OK ? cf_buf_addc(out, object ? '}' : ']') : rc;
}
