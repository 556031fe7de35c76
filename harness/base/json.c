/* json.c - bounded JSON parsing (depth pre-scan, exact length) and RFC 6901 pointers. */
#include "base/json.h"

#include "base/buf.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* Length of an RFC 8259 number at p (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), 0 when malformed.
 * cJSON alone would take 01, 1. and 1e as numbers. */
static size_t number_len(const char *p, size_t left)
{
    size_t i = 0;
    if (i < left && p[i] == '-')
        i++;
    if (i >= left || p[i] < '0' || p[i] > '9')
        return 0;
    if (p[i] == '0')
        i++;
    else
        while (i < left && p[i] >= '0' && p[i] <= '9')
            i++;
    if (i < left && p[i] >= '0' && p[i] <= '9')
        return 0; /* a leading zero */
    if (i < left && p[i] == '.') {
        size_t digits = ++i;
        while (i < left && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == digits)
            return 0;
    }
    if (i < left && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < left && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t digits = i;
        while (i < left && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == digits)
            return 0;
    }
    return i;
}

/* Whether none of the 8 bytes at p ends or escapes a string or is a control byte: no byte is
 * a quote or a backslash (a zero byte of w ^ "..."), none is below 0x20 (a borrow of
 * w - 0x20...). Exact: no test flags a byte that is plain. */
static int plain8(const char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high) == 0;
}

/* One pass over the bytes before cJSON sees them: the deepest nesting (or stop + 1 as soon as
 * it passes `stop`, *where = the bracket that did), and in *bad the offset of the first byte
 * RFC 8259 forbids but cJSON would accept (control characters, malformed numbers), or
 * (size_t)-1. Strings are skipped, escapes included. */
static int scan_depth(const char *buf, size_t len, int stop, size_t *where, size_t *bad)
{
    int depth = 0;
    int deepest = 0;
    int in_string = 0;
    if (bad)
        *bad = (size_t)-1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (in_string) {
            /* Most bytes of a body are plain string bytes: eight at a time, then one. */
            while (c != '"' && c != '\\' && c >= 0x20 && len - i > 8 && plain8(buf + i))
                c = (unsigned char)buf[i += 8];
            while (c != '"' && c != '\\' && c >= 0x20 && i + 1 < len)
                c = (unsigned char)buf[++i];
            if (c == '\\') {
                /* RFC 8259: one of "\\/bfnrt, or u and four hex digits; cJSON would take
                 * \\uqqqq as some code point */
                char e = i + 1 < len ? buf[i + 1] : '\0';
                int ok = e && strchr("\"\\/bfnrtu", e) != NULL;
                for (size_t k = 2; ok && e == 'u' && k < 6; k++)
                    ok = i + k < len && isxdigit((unsigned char)buf[i + k]);
                if (!ok && bad && *bad == (size_t)-1)
                    *bad = i;
                i++; /* the escaped byte cannot end the string */
            } else if (c == '"')
                in_string = 0;
            else if (c < 0x20 && bad && *bad == (size_t)-1)
                *bad = i;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
            if (depth > deepest)
                deepest = depth;
            if (deepest > stop) {
                if (where)
                    *where = i;
                return stop + 1;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        } else if (bad && *bad == (size_t)-1 && (c == '-' || (c >= '0' && c <= '9'))) {
            size_t n = number_len(buf + i, len - i);
            if (n == 0)
                *bad = i;
            else
                i += n - 1;
        } else if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && bad &&
                   *bad == (size_t)-1) {
            *bad = i;
        }
    }
    return deepest;
}

int cf_json_depth(const char *buf, size_t len, int stop)
{
    if (!buf)
        return 0;
    if (stop < 0)
        stop = 0;
    if (stop == INT_MAX)
        stop = INT_MAX - 1;
    return scan_depth(buf, len, stop, NULL, NULL);
}

static int is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

cf_rc cf_json_parse(const char *buf, size_t len, int max_depth, cJSON **out, size_t *err_offset)
{
    if (out)
        *out = NULL;
    if (err_offset)
        *err_offset = 0;
    if (!out || (!buf && len > 0))
        return CF_E_USAGE;
    if (len == 0)
        return CF_E_INVALID;
    if (max_depth < 0)
        max_depth = 0;
    if (max_depth > CJSON_NESTING_LIMIT)
        max_depth = CJSON_NESTING_LIMIT; /* deeper would fail inside cJSON as merely invalid */

    size_t where = 0;
    size_t bad = (size_t)-1;
    if (scan_depth(buf, len, max_depth, &where, &bad) > max_depth) {
        if (err_offset)
            *err_offset = where;
        return CF_E_TOO_DEEP;
    }
    if (bad != (size_t)-1) {
        if (err_offset)
            *err_offset = bad;
        return CF_E_INVALID;
    }

    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!value) {
        /* cJSON points `end` at the failure (or the last byte); clamp in case it does not. */
        if (err_offset)
            *err_offset = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : 0;
        return CF_E_INVALID;
    }
    size_t at = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : len;
    while (at < len && is_json_space(buf[at]))
        at++;
    if (at < len) {
        cJSON_Delete(value);
        if (err_offset)
            *err_offset = at;
        return CF_E_INVALID;
    }
    *out = value;
    return CF_OK;
}

char *cf_json_print(const cJSON *value)
{
    if (!value)
        return NULL;
    return cJSON_PrintUnformatted(value);
}

/* ---- RFC 6901 ---------------------------------------------------------------------------- */

/* One reference token of a pointer, still escaped: tok[0..len). */
typedef struct {
    const char *tok;
    size_t len;
} token;

/* Splits off the token at *p (which points at a '/'); advances *p. 0 when malformed
 * (a '~' not followed by '0' or '1'). */
static int next_token(const char **p, token *t)
{
    const char *s = *p + 1;
    const char *e = s;
    while (*e && *e != '/') {
        if (*e == '~' && e[1] != '0' && e[1] != '1')
            return 0;
        e += (*e == '~') ? 2 : 1;
    }
    t->tok = s;
    t->len = (size_t)(e - s);
    *p = e;
    return 1;
}

/* Whether a cJSON key equals the escaped token once unescaped. */
static int key_matches(const char *key, const token *t)
{
    if (!key)
        return 0;
    size_t i = 0;
    for (; i < t->len; i++, key++) {
        char want = t->tok[i];
        if (want == '~') {
            i++;
            want = t->tok[i] == '0' ? '~' : '/';
        }
        if (*key != want)
            return 0;
    }
    return *key == '\0';
}

/* The unescaped token in a new string; NULL on allocation failure. */
static char *token_dup(const token *t)
{
    char *s = malloc(t->len + 1);
    if (!s)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = t->tok[i];
        if (c == '~') {
            i++;
            c = t->tok[i] == '0' ? '~' : '/';
        }
        s[n++] = c;
    }
    s[n] = '\0';
    return s;
}

/* Array index per RFC 6901: "0" or [1-9][0-9]*, below INT_MAX (cJSON counts in int).
 * Returns 1 and sets *index, 0 otherwise ("-" included). */
static int token_index(const token *t, int *index)
{
    if (t->len == 0 || (t->len > 1 && t->tok[0] == '0'))
        return 0;
    long long v = 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = t->tok[i];
        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (c - '0');
        if (v >= INT_MAX)
            return 0;
    }
    *index = (int)v;
    return 1;
}

static int token_is_append(const token *t)
{
    return t->len == 1 && t->tok[0] == '-';
}

static cJSON *object_member(const cJSON *object, const token *t)
{
    for (cJSON *c = object->child; c; c = c->next)
        if (key_matches(c->string, t))
            return c;
    return NULL;
}

/* One step down from `node`; NULL when absent or `node` is not a container. */
static cJSON *step(const cJSON *node, const token *t)
{
    if (cJSON_IsObject(node))
        return object_member(node, t);
    if (cJSON_IsArray(node)) {
        int index;
        if (!token_index(t, &index))
            return NULL;
        return cJSON_GetArrayItem(node, index);
    }
    return NULL;
}

const cJSON *cf_json_pointer(const cJSON *root, const char *pointer)
{
    if (!root || !pointer)
        return NULL;
    if (*pointer != '\0' && *pointer != '/')
        return NULL;
    const cJSON *node = root;
    const char *p = pointer;
    while (*p) {
        token t;
        if (!next_token(&p, &t))
            return NULL;
        node = step(node, &t);
        if (!node)
            return NULL;
    }
    return node;
}

/* Whether every token of the pointer is well formed. */
static int pointer_wellformed(const char *pointer)
{
    if (*pointer != '/')
        return 0;
    const char *p = pointer;
    while (*p) {
        token t;
        if (!next_token(&p, &t))
            return 0;
    }
    return 1;
}

/* Adds `value` under the unescaped token to `object`; on failure `value` is left unattached. */
static cf_rc object_add(cJSON *object, const token *t, cJSON *value)
{
    char *key = token_dup(t);
    if (!key)
        return CF_E_NOMEM;
    cJSON_bool ok = cJSON_AddItemToObject(object, key, value);
    free(key);
    return ok ? CF_OK : CF_E_NOMEM;
}

/* Wraps `value` in new objects for the tokens after `from` (exclusive) up to the end of the
 * pointer, innermost first. On failure the whole chain, `value` included, is freed. */
static cf_rc build_chain(const char *from, cJSON *value, cJSON **chain)
{
    /* Collect the token starts so the chain can be built from the leaf outwards. */
    size_t count = 0;
    for (const char *p = from; *p; p++)
        if (*p == '/')
            count++;
    token *toks = count ? malloc(count * sizeof(*toks)) : NULL;
    if (count && !toks) {
        cJSON_Delete(value);
        return CF_E_NOMEM;
    }
    const char *p = from;
    for (size_t i = 0; i < count; i++)
        (void)next_token(&p, &toks[i]); /* the pointer was checked well formed */
    cJSON *leaf = value;
    for (size_t i = count; i > 0; i--) {
        cJSON *object = cJSON_CreateObject();
        if (!object) {
            cJSON_Delete(leaf);
            free(toks);
            return CF_E_NOMEM;
        }
        if (object_add(object, &toks[i - 1], leaf) != CF_OK) {
            cJSON_Delete(leaf);
            cJSON_Delete(object);
            free(toks);
            return CF_E_NOMEM;
        }
        leaf = object;
    }
    free(toks);
    *chain = leaf;
    return CF_OK;
}

/* Places `value` as the member `t` of container `parent` (replace, append, or add).
 * On failure `value` is left unattached and the parent unchanged. */
static cf_rc place(cJSON *parent, const token *t, cJSON *value)
{
    if (cJSON_IsObject(parent)) {
        cJSON *old = object_member(parent, t);
        if (!old)
            return object_add(parent, t, value);
        char *key = token_dup(t);
        if (!key)
            return CF_E_NOMEM;
        if (value->string && !(value->type & cJSON_StringIsConst))
            cJSON_free(value->string);
        value->string = key;
        value->type &= ~cJSON_StringIsConst;
        if (!cJSON_ReplaceItemViaPointer(parent, old, value))
            return CF_E_NOMEM;
        return CF_OK;
    }
    if (cJSON_IsArray(parent)) {
        int size = cJSON_GetArraySize(parent);
        int index = size;
        if (!token_is_append(t) && !token_index(t, &index))
            return CF_E_INVALID;
        if (index > size)
            return CF_E_INVALID;
        if (index == size)
            return cJSON_AddItemToArray(parent, value) ? CF_OK : CF_E_NOMEM;
        return cJSON_ReplaceItemInArray(parent, index, value) ? CF_OK : CF_E_NOMEM;
    }
    return CF_E_INVALID;
}

cf_rc cf_json_pointer_set(cJSON *root, const char *pointer, cJSON *value)
{
    if (!value)
        return CF_E_USAGE;
    if (!root || !pointer || !pointer_wellformed(pointer)) {
        cJSON_Delete(value);
        return root && pointer ? CF_E_INVALID : CF_E_USAGE;
    }
    /* Walk the existing part without changing anything, so a failure leaves `root` as is. */
    cJSON *node = root;
    const char *p = pointer;
    token t;
    for (;;) {
        (void)next_token(&p, &t);
        if (*p == '\0')
            break; /* t is the last token; node its parent */
        cJSON *child = step(node, &t);
        if (child) {
            node = child;
            continue;
        }
        if (!cJSON_IsObject(node)) {
            cJSON_Delete(value);
            return CF_E_INVALID; /* a scalar parent, or an index out of range */
        }
        /* Missing member: build the rest as new objects, then attach in one step. */
        cJSON *chain = NULL;
        cf_rc rc = build_chain(p, value, &chain);
        if (rc != CF_OK)
            return rc;
        rc = object_add(node, &t, chain);
        if (rc != CF_OK)
            cJSON_Delete(chain);
        return rc;
    }
    cf_rc rc = place(node, &t, value);
    if (rc != CF_OK)
        cJSON_Delete(value);
    return rc;
}

cf_rc cf_json_pointer_remove(cJSON *root, const char *pointer)
{
    if (!root || !pointer)
        return CF_E_USAGE;
    if (!pointer_wellformed(pointer))
        return CF_E_INVALID;
    cJSON *parent = root;
    const char *p = pointer;
    token t;
    for (;;) {
        (void)next_token(&p, &t);
        if (*p == '\0')
            break;
        parent = step(parent, &t);
        if (!parent)
            return CF_E_NOT_FOUND;
    }
    cJSON *target = step(parent, &t);
    if (!target)
        return CF_E_NOT_FOUND;
    cJSON_Delete(cJSON_DetachItemViaPointer(parent, target));
    return CF_OK;
}

static int any_string(const cJSON *v, cf_json_string_pred pred, void *user, int depth, int max)
{
    if (!v || depth > max)
        return 0;
    if (cJSON_IsString(v) && v->valuestring && pred(user, v->valuestring, strlen(v->valuestring)))
        return 1;
    for (const cJSON *c = v->child; c; c = c->next)
        if ((c->string && pred(user, c->string, strlen(c->string))) ||
            any_string(c, pred, user, depth + 1, max))
            return 1;
    return 0;
}

int cf_json_any_string(const cJSON *v, cf_json_string_pred pred, void *user, int max_depth)
{
    return any_string(v, pred, user, 0, max_depth);
}

int cf_json_uri_decode(const char *s, char *out, size_t n)
{
    size_t at = 0;
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        if (ch == '%') {
            unsigned v = 0;
            for (int k = 1; k <= 2; k++) {
                char h = s[i + (size_t)k];
                unsigned d = (h >= '0' && h <= '9')   ? (unsigned)(h - '0')
                             : (h >= 'a' && h <= 'f') ? (unsigned)(h - 'a' + 10)
                             : (h >= 'A' && h <= 'F') ? (unsigned)(h - 'A' + 10)
                                                      : 16u;
                if (d == 16)
                    return 0;
                v = v * 16 + d;
            }
            if (v == 0)
                return 0;
            ch = (char)v;
            i += 2;
        }
        if (at + 1 >= n)
            return 0;
        out[at++] = ch;
    }
    out[at] = '\0';
    return 1;
}

const cJSON *cf_json_ref(const cJSON *root, const char *ref, const char **why)
{
    char decoded[4096];
    if (ref[0] != '#') {
        *why = "only local references (\"#/...\") are resolved";
        return NULL;
    }
    if (ref[1] != '\0' && ref[1] != '/') {
        *why = "anchors (\"#name\") are not resolved";
        return NULL;
    }
    if (!cf_json_uri_decode(ref + 1, decoded, sizeof(decoded))) {
        *why = "the reference is not a valid URI fragment";
        return NULL;
    }
    const cJSON *target = cf_json_pointer(root, decoded);
    if (!target) {
        *why = "it names nothing in the document";
        return NULL;
    }
    return target;
}

cf_rc cf_json_append_line(cf_buf *out, const cJSON *value, int pretty)
{
    char *text = pretty ? cJSON_Print(value) : cJSON_PrintUnformatted(value);
    cf_rc rc = text ? cf_buf_adds(out, text) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '\n');
    cJSON_free(text);
    return rc;
}
