/* template.c - expansion of {var}, {$generator[:arg]} and {@capture} placeholders. */
#include "contract/template.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/timefmt.h"
#include "base/uuid.h"

#define REPEAT_MAX (1024u * 1024u)
#define NAME_MAX_LEN 128u
#define ARG_MAX_LEN 256u
#define STRING_MAX (16u * 1024u * 1024u) /* one string value's expansion */
#define TREE_DEPTH 200                   /* nesting a JSON template may have */

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* A parsed placeholder at the start of `s` (which points at '{'). */
typedef struct {
    char kind; /* '\0', '$' or '@' */
    char name[NAME_MAX_LEN];
    char arg[ARG_MAX_LEN];
    size_t length; /* bytes from '{' to '}' inclusive */
} placeholder;

/* Returns 1 and fills *p when `s` starts a well-formed placeholder, 0 for literal text. */
static int parse_placeholder(const char *s, placeholder *p)
{
    const char *c = s + 1;
    p->kind = '\0';
    if (*c == '$' || *c == '@')
        p->kind = *c++;
    size_t n = 0;
    while (is_name_char(*c)) {
        if (n + 1 >= sizeof(p->name))
            return 0;
        p->name[n++] = *c++;
    }
    if (n == 0)
        return 0;
    p->name[n] = '\0';
    p->arg[0] = '\0';
    if (*c == ':' && p->kind == '$') {
        c++;
        size_t a = 0;
        while (*c && *c != '}') {
            if (a + 1 >= sizeof(p->arg))
                return 0;
            p->arg[a++] = *c++;
        }
        p->arg[a] = '\0';
    }
    if (*c != '}')
        return 0;
    p->length = (size_t)(c - s) + 1;
    return 1;
}

static const char *const builtins[] = {"uuid", "now", "repeat"};

int cf_template_is_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i], name) == 0)
            return 1;
    return 0;
}

/* {$repeat:C:N}: C may itself contain ':'; N is after the last one. */
static cf_rc gen_repeat(const char *arg, cf_buf *out, char *err, size_t errlen)
{
    const char *colon = strrchr(arg, ':');
    char *end = NULL;
    unsigned long count = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || colon == arg || !end || *end != '\0' || colon[1] == '\0' || count > REPEAT_MAX) {
        snprintf(err, errlen, "{$repeat:%s}: expected {$repeat:TEXT:N} with N <= %u", arg,
                 REPEAT_MAX);
        return CF_E_INVALID;
    }
    size_t unit = (size_t)(colon - arg);
    for (unsigned long i = 0; i < count; i++) {
        cf_rc rc = cf_buf_add(out, arg, unit);
        if (rc != CF_OK) {
            snprintf(err, errlen, "{$repeat:%s}: %s", arg, cf_strerror(rc));
            return rc;
        }
    }
    return CF_OK;
}

static cf_rc gen_builtin(const placeholder *p, cf_buf *out, char *err, size_t errlen)
{
    if (strcmp(p->name, "uuid") == 0) {
        char id[37];
        cf_uuid_v4(id);
        return cf_buf_add(out, id, 36);
    }
    if (strcmp(p->name, "now") == 0) {
        char ts[25];
        cf_time_format_millis(cf_time_now_ms(), ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(p->name, "repeat") == 0)
        return gen_repeat(p->arg, out, err, errlen);
    snprintf(err, errlen, "unknown generator {$%s}", p->name);
    return CF_E_NOT_FOUND;
}

static cf_rc expand_one(const placeholder *p, const cf_tmpl_ctx *ctx, cf_buf *out, char *err,
                        size_t errlen)
{
    const char *value = NULL;
    if (p->kind == '$') {
        if (ctx && ctx->gen) {
            cf_rc rc = ctx->gen(ctx->gen_user, p->name, p->arg, out);
            if (rc != CF_E_NOT_FOUND) {
                if (rc != CF_OK)
                    snprintf(err, errlen, "generator {$%s} failed: %s", p->name, cf_strerror(rc));
                return rc;
            }
        }
        return gen_builtin(p, out, err, errlen);
    }
    if (p->kind == '@') {
        value = ctx ? cf_bindings_get(ctx->captures, p->name) : NULL;
        if (!value) {
            snprintf(err, errlen,
                     "{@%s} refers to a value no earlier step captured; add it to a step's "
                     "\"capture\"",
                     p->name);
            return CF_E_NOT_FOUND;
        }
    } else {
        value = ctx ? cf_bindings_get(ctx->vars, p->name) : NULL;
        if (!value) {
            snprintf(err, errlen,
                     "{%s} is not a variable of this spec; declare it in \"variables\"", p->name);
            return CF_E_NOT_FOUND;
        }
    }
    return cf_buf_adds(out, value);
}

cf_rc cf_template_expand(const char *tmpl, const cf_tmpl_ctx *ctx, cf_buf *out, char *err,
                         size_t errlen)
{
    const char *s = tmpl;
    while (*s) {
        const char *brace = strchr(s, '{');
        if (!brace)
            return cf_buf_adds(out, s);
        cf_rc rc = cf_buf_add(out, s, (size_t)(brace - s));
        if (rc != CF_OK)
            return rc;
        if (brace[1] == '{') {
            rc = cf_buf_addc(out, '{');
            s = brace + 2;
        } else {
            placeholder p;
            if (parse_placeholder(brace, &p)) {
                rc = expand_one(&p, ctx, out, err, errlen);
                s = brace + p.length;
            } else {
                rc = cf_buf_addc(out, '{');
                s = brace + 1;
            }
        }
        if (rc != CF_OK) {
            if (err[0] == '\0')
                snprintf(err, errlen, "template expansion failed: %s", cf_strerror(rc));
            return rc;
        }
    }
    return CF_OK;
}

static cf_rc expand_tree(const cJSON *in, const cf_tmpl_ctx *ctx, cJSON **out, char *err,
                         size_t errlen, int depth)
{
    *out = NULL;
    if (depth > TREE_DEPTH) {
        snprintf(err, errlen, "template nested too deeply");
        return CF_E_TOO_DEEP;
    }
    if (cJSON_IsString(in)) {
        cf_buf b;
        cf_buf_init(&b, STRING_MAX);
        cf_rc rc = cf_template_expand(in->valuestring, ctx, &b, err, errlen);
        if (rc == CF_OK) {
            *out = cJSON_CreateString(cf_buf_str(&b));
            if (!*out)
                rc = CF_E_NOMEM;
        }
        cf_buf_free(&b);
        return rc;
    }
    if (cJSON_IsArray(in) || cJSON_IsObject(in)) {
        cJSON *copy = cJSON_IsArray(in) ? cJSON_CreateArray() : cJSON_CreateObject();
        if (!copy)
            return CF_E_NOMEM;
        for (const cJSON *child = in->child; child; child = child->next) {
            cJSON *c = NULL;
            cf_rc rc = expand_tree(child, ctx, &c, err, errlen, depth + 1);
            if (rc != CF_OK) {
                cJSON_Delete(copy);
                return rc;
            }
            if (cJSON_IsObject(in) ? !cJSON_AddItemToObject(copy, child->string, c)
                                   : !cJSON_AddItemToArray(copy, c)) {
                cJSON_Delete(c);
                cJSON_Delete(copy);
                return CF_E_NOMEM;
            }
        }
        *out = copy;
        return CF_OK;
    }
    *out = cJSON_Duplicate(in, 0);
    return *out ? CF_OK : CF_E_NOMEM;
}

cf_rc cf_template_expand_json(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cJSON **out, char *err,
                              size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    return expand_tree(tmpl, ctx, out, err, errlen, 0);
}

/* ---- straight to JSON text ------------------------------------------------------------------ */

/* Why: a request body is a template printed once per request; copying it into a tree,
 * printing the tree and freeing it cost more than the rest of building the request. This
 * walk mirrors expand_tree() node for node (same depth limit, same errors) and writes what
 * cJSON would print for the copy; test_json_text.c holds the two side by side. */

typedef struct {
    const cf_tmpl_ctx *ctx;
    cf_buf *out;
    cf_buf scratch; /* one string's expansion, reused */
    const cJSON *watch;
    char **watched;
    char *err;
    size_t errlen;
} text_walk;

static cf_rc expand_text(text_walk *w, const cJSON *in, int depth)
{
    if (depth > TREE_DEPTH) {
        snprintf(w->err, w->errlen, "template nested too deeply");
        return CF_E_TOO_DEEP;
    }
    if (cJSON_IsString(in)) {
        const char *s = in->valuestring;
        if (strchr(s, '{')) { /* else the expansion is the string itself */
            cf_buf_reset(&w->scratch);
            cf_rc rc = cf_template_expand(s, w->ctx, &w->scratch, w->err, w->errlen);
            if (rc != CF_OK)
                return rc;
            s = cf_buf_str(&w->scratch);
        }
        if (in == w->watch && w->watched && !*w->watched && !(*w->watched = cf_strdup(s)))
            return CF_E_NOMEM;
        return cf_json_add_string(w->out, s);
    }
    if (!cJSON_IsArray(in) && !cJSON_IsObject(in))
        return cf_json_add(w->out, in);
    int object = cJSON_IsObject(in);
    cf_rc rc = cf_buf_addc(w->out, object ? '{' : '[');
    for (const cJSON *child = in->child; rc == CF_OK && child; child = child->next) {
        if (object && !child->string)
            return CF_E_NOMEM; /* cJSON_AddItemToObject() refuses a member without a name */
        if (child != in->child)
            rc = cf_buf_addc(w->out, ',');
        if (rc == CF_OK && object)
            rc = cf_json_add_string(w->out, child->string);
        if (rc == CF_OK && object)
            rc = cf_buf_addc(w->out, ':');
        if (rc == CF_OK)
            rc = expand_text(w, child, depth + 1);
    }
    return rc == CF_OK ? cf_buf_addc(w->out, object ? '}' : ']') : rc;
}

cf_rc cf_template_expand_json_text(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cf_buf *out,
                                   const cJSON *watch, char **watched, char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (watched)
        *watched = NULL;
    text_walk w = {ctx, out, {0}, watch, watched, err, errlen};
    cf_buf_init(&w.scratch, STRING_MAX);
    cf_rc rc = expand_text(&w, tmpl, 0);
    cf_buf_free(&w.scratch);
    if (rc != CF_OK && watched) {
        free(*watched);
        *watched = NULL;
    }
    return rc;
}

void cf_template_scan(const char *tmpl, cf_placeholder_cb cb, void *user)
{
    const char *s = tmpl;
    while ((s = strchr(s, '{')) != NULL) {
        placeholder p;
        if (s[1] == '{') {
            s += 2;
        } else if (parse_placeholder(s, &p)) {
            cb(user, p.kind, p.name, p.arg);
            s += p.length;
        } else {
            s++;
        }
    }
}
