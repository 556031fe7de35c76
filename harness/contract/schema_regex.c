/* schema_regex.c - ECMA-262 patterns (pattern, patternProperties, format "regex") run by
 * PCRE2: translated where the two differ, compiled once, matched under a limit. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Backtracking budget of one match: a hostile pattern such as (a+)+$ against a long string
 * stops here instead of running for minutes. */
#define CF_SCHEMA_REGEX_MATCH_LIMIT 100000u
#define CF_SCHEMA_REGEX_DEPTH_LIMIT 1000u
/* Longest pattern compiled; longer ones are refused as invalid. */
#define CF_SCHEMA_REGEX_MAX 4096u

struct cf_schema_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
};

/* ECMA-262's \s: ASCII white space, NBSP, BOM, the Zs category and the line terminators.
 * Without PCRE2_UCP, PCRE2's \s is ASCII only (which keeps \d, \w and \b ASCII, as ECMA
 * wants), so \s is spelled out. */
static const char ecma_space[] =
    "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}"
    "\\x{205f}\\x{3000}\\x{feff}";
/* ECMA-262's "." matches anything but the line terminators. */
static const char ecma_dot[] = "[^\\n\\r\\x{2028}\\x{2029}]";

typedef struct {
    char *p;
    size_t len, cap;
    int nomem;
} obuf;

static void emit(obuf *o, const char *s, size_t n)
{
    if (o->nomem)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->len + n + 1) * 2;
        char *g = realloc(o->p, cap);
        if (!g) {
            o->nomem = 1;
            return;
        }
        o->p = g;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void emits(obuf *o, const char *s)
{
    emit(o, s, strlen(s));
}

/* ECMA-262 names general categories long or short; PCRE2 10.42 knows the short ones. */
static const char *property_alias(const char *name)
{
    static const char *const map[][2] = {
        {"Letter", "L"},
        {"Cased_Letter", "L&"},
        {"Uppercase_Letter", "Lu"},
        {"Lowercase_Letter", "Ll"},
        {"Titlecase_Letter", "Lt"},
        {"Modifier_Letter", "Lm"},
        {"Other_Letter", "Lo"},
        {"Mark", "M"},
        {"Number", "N"},
        {"Decimal_Number", "Nd"},
        {"digit", "Nd"},
        {"Letter_Number", "Nl"},
        {"Other_Number", "No"},
        {"Punctuation", "P"},
        {"punct", "P"},
        {"Symbol", "S"},
        {"Separator", "Z"},
        {"Space_Separator", "Zs"},
        {"Other", "C"},
        {"Control", "Cc"},
        {"cntrl", "Cc"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(name, map[i][0]) == 0)
            return map[i][1];
    return name;
}

/* Escapes ECMA-262 (with the u flag, as JSON Schema means) accepts after a backslash. */
static int ecma_escape(char c, int in_class)
{
    if (strchr("dDwWsSfnrtv0cxupPk^$\\.*+?()[]{}|/", c))
        return 1;
    if (c >= '1' && c <= '9')
        return !in_class; /* backreferences */
    if (c == 'b' || c == 'B')
        return 1;
    return in_class && c == '-';
}

/* Translates into o; 0 with a reason when the pattern uses what ECMA-262 lacks. */
static int translate(const char *s, size_t len, obuf *o, const char **why)
{
    int in_class = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= len) {
                *why = "a trailing backslash";
                return 0;
            }
            char e = s[++i];
            if (!ecma_escape(e, in_class)) {
                *why = "an escape ECMA-262 does not have";
                return 0;
            }
            if ((e == 'p' || e == 'P') && i + 1 < len && s[i + 1] == '{') {
                const char *close = memchr(s + i, '}', len - i);
                if (!close) {
                    *why = "an unterminated \\p{...}";
                    return 0;
                }
                char name[48];
                size_t nl = (size_t)(close - (s + i + 2));
                if (nl >= sizeof(name)) {
                    *why = "an unknown Unicode property";
                    return 0;
                }
                memcpy(name, s + i + 2, nl);
                name[nl] = '\0';
                char pair[3] = {'\\', e, '{'};
                emit(o, pair, 3);
                emits(o, property_alias(name));
                emits(o, "}");
                i = (size_t)(close - s);
            } else if (e == 'u') {
                /* \uXXXX and \u{X...} are PCRE2's \x{...} */
                size_t start = i + 1, end;
                if (start < len && s[start] == '{') {
                    const char *close = memchr(s + start, '}', len - start);
                    if (!close) {
                        *why = "an unterminated \\u{...}";
                        return 0;
                    }
                    start++;
                    end = (size_t)(close - s);
                    i = end;
                } else {
                    end = start + 4;
                    if (end > len) {
                        *why = "a \\u escape without four hex digits";
                        return 0;
                    }
                    i = end - 1;
                }
                emits(o, "\\x{");
                for (size_t k = start; k < end; k++) {
                    if (!strchr("0123456789abcdefABCDEF", s[k]) || !s[k]) {
                        *why = "a \\u escape without hex digits";
                        return 0;
                    }
                    emit(o, &s[k], 1);
                }
                emits(o, "}");
            } else if (e == 's') {
                if (!in_class)
                    emits(o, "[");
                emits(o, ecma_space);
                if (!in_class)
                    emits(o, "]");
            } else if (e == 'S' && !in_class) {
                emits(o, "[^");
                emits(o, ecma_space);
                emits(o, "]");
            } else if (e == '/') {
                emits(o, "/");
            } else {
                char pair[2] = {'\\', e};
                emit(o, pair, 2);
            }
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = 0;
            if (c == '[' && i + 1 < len && s[i + 1] == ':') {
                *why = "a POSIX class, which ECMA-262 does not have";
                return 0;
            }
            emit(o, &c, 1);
            continue;
        }
        if (c == '[') {
            in_class = 1;
            emit(o, &c, 1);
            if (i + 1 < len && s[i + 1] == '^') {
                emit(o, "^", 1);
                i++;
            }
            continue;
        }
        if (c == '.') {
            emits(o, ecma_dot);
            continue;
        }
        if (c == '(' && i + 1 < len && s[i + 1] == '?') {
            const char *rest = s + i + 2;
            size_t left = len - i - 2;
            int ok = (left >= 1 && (rest[0] == ':' || rest[0] == '=' || rest[0] == '!')) ||
                     (left >= 2 && rest[0] == '<' &&
                      (rest[1] == '=' || rest[1] == '!' || (rest[1] != '=' && rest[1] != '!')));
            if (!ok) {
                *why = "a group kind ECMA-262 does not have";
                return 0;
            }
        }
        if ((c == '+' || c == '*' || c == '?') && i + 1 < len && s[i + 1] == '+') {
            *why = "a possessive quantifier, which ECMA-262 does not have";
            return 0;
        }
        emit(o, &c, 1);
    }
    return 1;
}

cf_rc cf_schema_regex_compile(const char *pattern, size_t len, cf_schema_regex **out, char *err,
                              size_t n)
{
    *out = NULL;
    cf_rc rc = CF_E_INVALID;
    obuf o = {NULL, 0, 0, 0};
    pcre2_compile_context *cctx = NULL;
    cf_schema_regex *re = NULL;
    const char *why = NULL;
    if (len > CF_SCHEMA_REGEX_MAX) {
        snprintf(err, n, "longer than %u bytes", CF_SCHEMA_REGEX_MAX);
        goto out;
    }
    if (memchr(pattern, '\0', len)) {
        snprintf(err, n, "it holds a NUL byte");
        goto out;
    }
    emits(&o, "");
    if (!translate(pattern, len, &o, &why)) {
        snprintf(err, n, "it uses %s", why);
        goto out;
    }
    if (o.nomem) {
        rc = CF_E_NOMEM;
        goto out;
    }
    cctx = pcre2_compile_context_create(NULL);
    re = calloc(1, sizeof(*re));
    if (!cctx || !re) {
        rc = CF_E_NOMEM;
        goto out;
    }
    /* Nested parentheses cost stack while compiling: bound them. */
    pcre2_set_parens_nest_limit(cctx, 64);
    int code;
    PCRE2_SIZE offset;
    re->code = pcre2_compile((PCRE2_SPTR)o.p, o.len,
                             PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS, &code,
                             &offset, cctx);
    if (!re->code) {
        PCRE2_UCHAR text[160];
        if (pcre2_get_error_message(code, text, sizeof(text)) < 0)
            snprintf((char *)text, sizeof(text), "error %d", code);
        snprintf(err, n, "%s", (const char *)text);
        if (code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_NOMEMORY)
            rc = CF_E_NOMEM;
        goto out;
    }
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->mctx) {
        rc = CF_E_NOMEM;
        goto out;
    }
    pcre2_set_match_limit(re->mctx, CF_SCHEMA_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, CF_SCHEMA_REGEX_DEPTH_LIMIT);
    *out = re;
    re = NULL;
    rc = CF_OK;
out:
    cf_schema_regex_free(re);
    pcre2_compile_context_free(cctx);
    free(o.p);
    return rc;
}

/* PCRE2 allocates its match data and backtracking frames through a general context; here they
 * come from an arena on the caller's stack, so matching allocates nothing from the heap and a
 * pattern needing more than the arena fails like one hitting the match limit. */
#define CF_SCHEMA_REGEX_ARENA (64u * 1024u)

typedef struct {
    _Alignas(max_align_t) unsigned char bytes[CF_SCHEMA_REGEX_ARENA];
    size_t used;
} arena;

static void *arena_malloc(size_t n, void *data)
{
    arena *a = data;
    size_t align = _Alignof(max_align_t);
    size_t at = (a->used + align - 1) / align * align;
    if (n > sizeof(a->bytes) || at > sizeof(a->bytes) - n)
        return NULL;
    a->used = at + n;
    return a->bytes + at;
}

static void arena_free(void *p, void *data)
{
    (void)p;
    (void)data; /* the arena goes with the caller's stack frame */
}

int cf_schema_regex_search(const cf_schema_regex *re, const char *s, size_t len)
{
    arena a;
    a.used = 0;
    pcre2_general_context *g = pcre2_general_context_create(arena_malloc, arena_free, &a);
    pcre2_match_data *md = g ? pcre2_match_data_create(1, g) : NULL;
    if (!md)
        return -1;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, re->mctx);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    return -1; /* match or depth limit, arena exhausted, or invalid UTF-8 in the subject */
}

void cf_schema_regex_free(cf_schema_regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    pcre2_match_context_free(re->mctx);
    free(re);
}
