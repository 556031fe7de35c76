/* strings.c - generated strings: lengths in code points, the odd-but-valid classes, samples of
 * each asserted format, and strings matching simple patterns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"
#include "gen/internal.h"

/* Each sample starts with the character most likely to break a server at length 1. */
const gen_odd gen_odd_strings[] = {
    {"json-meta", "\"\\/{}[]:,"},
    {"html-meta", "<script>&'\"</script>"},
    {"shell-meta", "$(id)`id`;|&>*'"},
    {"control", "\x01\t\n\r\x1f\x7f\x1b"},
    {"accented", "\xc3\xa9\xc3\xa0\xc3\xbc\xc3\xb1\xc3\xa7\xc3\xb8\xc3\x85"},
    {"cjk", "\xe6\xbc\xa2\xe5\xad\x97\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"},
    {"emoji", "\xf0\x9f\x98\x80\xf0\x9f\x9a\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"},
    {"combining", "e\xcc\x81o\xcc\x88\xcc\xb2"
                  "a\xcd\xa3"},
    {"rtl", "\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa\xe2\x80\xae\xd8\xb9\xd8\xb1\xd8\xa8"},
    {NULL, NULL},
};

/* Bytes of the UTF-8 sequence starting at s (1 for a stray byte, so the walk always moves). */
static size_t cp_len(const unsigned char *s)
{
    if (*s < 0x80)
        return 1;
    size_t n = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 1;
    return n;
}

cf_rc gen_fill(cf_buf *b, const char *sample, size_t n)
{
    const char *p = sample;
    cf_rc rc = CF_OK;
    if (!*sample)
        return n ? CF_E_INVALID : CF_OK;
    for (size_t i = 0; i < n && rc == CF_OK; i++) {
        if (!*p)
            p = sample;
        size_t k = cp_len((const unsigned char *)p);
        rc = cf_buf_add(b, p, k);
        p += k;
    }
    return rc;
}

char *gen_format_sample(const char *format, int https, int millis, size_t len, cf_rng *r)
{
    char tmp[128];
    unsigned a = r ? (unsigned)cf_rng_next(r) : 0;
    if (strcmp(format, "date-time") == 0) {
        snprintf(tmp, sizeof tmp, "20%02u-%02u-%02uT%02u:%02u:%02u%sZ", 10 + a % 20,
                 1 + (a >> 5) % 12, 1 + (a >> 9) % 28, (a >> 14) % 24, (a >> 19) % 60,
                 (a >> 25) % 60, millis ? ".000" : "");
        return cf_strdup(tmp);
    }
    if (strcmp(format, "date") == 0) {
        snprintf(tmp, sizeof tmp, "20%02u-%02u-%02u", 10 + a % 20, 1 + (a >> 5) % 12,
                 1 + (a >> 9) % 28);
        return cf_strdup(tmp);
    }
    if (strcmp(format, "uuid") == 0) {
        uint64_t h = r ? cf_rng_next(r) : 0x123e4567e89b12d3ull;
        uint64_t l = r ? cf_rng_next(r) : 0xa456426614174000ull;
        snprintf(tmp, sizeof tmp, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h >> 32),
                 (unsigned)(h >> 16) & 0xffff, (unsigned)h & 0xfff,
                 0x8000 | ((unsigned)(l >> 48) & 0x3fff),
                 (unsigned long long)(l & 0xffffffffffffull));
        return cf_strdup(tmp);
    }
    if (strcmp(format, "uri") == 0 || strcmp(format, "uri-reference") == 0) {
        const char *head = format[3] ? "/conform/"
                           : https   ? "https://example.com/"
                                     : "http://example.com/";
        cf_buf b;
        cf_buf_init(&b, 4u * CF_GEN_MAX_BOUND + 64u);
        size_t h = strlen(head);
        if (cf_buf_adds(&b, head) != CF_OK || gen_fill(&b, "a", len > h ? len - h : 0) != CF_OK) {
            cf_buf_free(&b);
            return NULL;
        }
        return cf_buf_take(&b);
    }
    static const struct {
        const char *format, *sample;
    } fixed[] = {
        {"time", "23:59:59Z"},       {"duration", "P1DT2H"}, {"email", "a@example.com"},
        {"hostname", "example.com"}, {"ipv4", "192.0.2.1"},  {"ipv6", "2001:db8::1"},
        {"json-pointer", "/a/b"},    {"regex", "^[a-z]+$"},  {"byte", "Y29uZm9ybQ=="},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(format, fixed[i].format) == 0)
            return cf_strdup(fixed[i].sample);
    return cf_strdup("");
}

const char *gen_format_invalid(const char *format)
{
    static const struct {
        const char *format, *bad;
    } bad[] = {
        {"date-time", "2024-13-45T25:61:00Z"},
        {"date", "2024-02-30"},
        {"time", "25:00:00Z"},
        {"duration", "1D"},
        {"email", "not-an-email"},
        {"hostname", "-bad-.example..com"},
        {"ipv4", "256.1.1.1"},
        {"ipv6", "2001:db8:::1::"},
        {"uri", "not a uri"},
        {"uri-reference", "\\\\bad ref"},
        {"uuid", "123e4567-e89b-12d3-a456-42661417400g"},
        {"json-pointer", "a/b"},
        {"regex", "(["},
        {"byte", "***"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strcmp(format, bad[i].format) == 0)
            return bad[i].bad;
    return NULL;
}

/* ---- simple patterns ------------------------------------------------------------------ */

#define PAT_ATOMS 64

typedef struct {
    unsigned char set[16]; /* bit set of the ASCII characters the atom accepts */
    size_t min, max;       /* repetitions; max SIZE_MAX: unbounded */
} atom;

static void set_add(atom *a, int c)
{
    if (c >= 0 && c < 128)
        a->set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static int set_has(const atom *a, int c)
{
    return c >= 0 && c < 128 && (a->set[c >> 3] >> (c & 7)) & 1;
}

static void set_range(atom *a, int lo, int hi)
{
    for (int c = lo; c <= hi; c++)
        set_add(a, c);
}

/* \d, \w, \s or an escaped punctuation character into a; 0 when not supported. */
static int escape(atom *a, char e)
{
    if (e == 'd')
        set_range(a, '0', '9');
    else if (e == 'w') {
        set_range(a, 'a', 'z');
        set_range(a, 'A', 'Z');
        set_range(a, '0', '9');
        set_add(a, '_');
    } else if (e == 's')
        set_add(a, ' ');
    else if (e && strchr(".-/\\^$*+?()[]{}|_:@#,=!", e))
        set_add(a, e);
    else
        return 0;
    return 1;
}

/* [...] at *p (just past '['); 0 when not supported. */
static int klass(atom *a, const char **p)
{
    const char *s = *p;
    int negate = *s == '^';
    atom in = {{0}, 0, 0};
    s += negate;
    while (*s && *s != ']') {
        int c = (unsigned char)*s++;
        if (c == '\\') {
            if (!escape(&in, *s++))
                return 0;
            continue;
        }
        if (c >= 128)
            return 0;
        if (*s == '-' && s[1] && s[1] != ']') {
            int hi = (unsigned char)s[1];
            if (hi == '\\' || hi >= 128 || hi < c)
                return 0;
            set_range(&in, c, hi);
            s += 2;
        } else {
            set_add(&in, c);
        }
    }
    if (*s != ']')
        return 0;
    *p = s + 1;
    for (int c = 0; c < 128; c++)
        if (set_has(&in, c) != negate && (!negate || (c >= 0x20 && c < 0x7f)))
            set_add(a, c);
    return 1;
}

/* Parses `pattern` into atoms; returns their number, -1 when the pattern is not simple. */
static int parse(const char *p, atom *atoms)
{
    int n = 0;
    if (*p == '^')
        p++;
    while (*p) {
        if (*p == '$' && !p[1])
            break;
        if (n == PAT_ATOMS || strchr("()|*+?{", *p))
            return -1;
        atom *a = &atoms[n++];
        memset(a, 0, sizeof *a);
        a->min = a->max = 1;
        char c = *p++;
        if (c == '\\') {
            if (!escape(a, *p++))
                return -1;
        } else if (c == '[') {
            if (!klass(a, &p))
                return -1;
        } else if (c == '.') {
            set_range(a, 'a', 'z');
        } else if ((unsigned char)c < 128 && c != '$' && c != '^') {
            set_add(a, c);
        } else {
            return -1;
        }
        if (*p == '?' || *p == '*' || *p == '+') {
            a->min = *p == '+';
            a->max = *p == '?' ? 1 : SIZE_MAX;
            p++;
        } else if (*p == '{') {
            char *end;
            a->min = a->max = strtoul(p + 1, &end, 10);
            if (*end == ',') {
                a->max = end[1] == '}' ? SIZE_MAX : strtoul(end + 1, &end, 10);
                if (a->max == SIZE_MAX)
                    end++;
            }
            if (*end != '}' || a->max < a->min || a->min > CF_GEN_MAX_BOUND)
                return -1;
            p = end + 1;
        }
        if (*p == '?' || *p == '+')
            return -1; /* lazy or possessive quantifiers */
    }
    return n;
}

static int pick(const atom *a, cf_rng *r)
{
    int members[128], n = 0;
    for (int c = 0; c < 128; c++)
        if (set_has(a, c))
            members[n++] = c;
    if (!n)
        return -1;
    return members[r ? cf_rng_below(r, (uint64_t)n) : 0];
}

char *gen_pattern_string(const char *pattern, size_t len, cf_rng *r, size_t *lo, size_t *hi)
{
    atom atoms[PAT_ATOMS];
    int n = parse(pattern, atoms);
    if (n < 0)
        return NULL;
    size_t need = 0, room = 0;
    for (int i = 0; i < n; i++) {
        need += atoms[i].min;
        room = atoms[i].max == SIZE_MAX || room == SIZE_MAX ? SIZE_MAX
                                                            : room + atoms[i].max - atoms[i].min;
    }
    if (lo)
        *lo = need;
    if (hi)
        *hi = room == SIZE_MAX ? SIZE_MAX : need + room;
    if (len < need || (room != SIZE_MAX && len > need + room))
        return NULL;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t extra = len - need, at = 0;
    for (int i = 0; i < n; i++) {
        size_t k = atoms[i].min;
        size_t more = atoms[i].max - atoms[i].min;
        if (more > extra)
            more = extra;
        k += more;
        extra -= more;
        for (size_t j = 0; j < k; j++) {
            int ch = pick(&atoms[i], r);
            if (ch < 0) {
                free(out);
                return NULL;
            }
            out[at++] = (char)ch;
        }
    }
    out[at] = '\0';
    return out;
}
