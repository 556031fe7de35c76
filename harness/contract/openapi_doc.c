/* openapi_doc.c - an OpenAPI document and the files its refs name, parsed and bundled into one
 * tree; $ref resolution with cycle detection; messages that say where. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "contract/openapi_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"

/* Maps a pointer of the bundled tree to the file it came from and the pointer inside it. */
static const oa_file *origin(const oa_ctx *c, const char *pointer, const char **inner)
{
    static const char prefix[] = "/" OA_FILES_MEMBER "/";
    *inner = pointer ? pointer : "";
    if (!pointer || strncmp(pointer, prefix, sizeof prefix - 1) != 0)
        return &c->files[0];
    char *end;
    unsigned long k = strtoul(pointer + sizeof prefix - 1, &end, 10);
    if (k + 1 >= c->file_count)
        return &c->files[0];
    *inner = end;
    return &c->files[k + 1];
}

/* Adds `msg` at `pointer` in the file it came from, with the node's line and column. */
static void report(oa_ctx *c, const cJSON *node, const char *pointer, const char *msg)
{
    const char *inner;
    const oa_file *f = origin(c, pointer, &inner);
    const cf_yaml_mark *m = NULL;
    for (size_t i = 0; node && !m && i < c->file_count; i++)
        m = cf_yaml_mark_find(&c->files[i].marks, node);
    if (m)
        cf_diags_add(c->diags, f->name, inner, "%s (line %u, column %u)", msg, m->line, m->column);
    else
        cf_diags_add(c->diags, f->name, inner, "%s", msg);
}

void oa_problem(oa_ctx *c, const cJSON *node, const char *pointer, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(c, node, pointer, msg);
    c->problems++;
}

void oa_diags_add(oa_ctx *c, const cf_diags *from)
{
    for (size_t i = 0; i < from->count; i++)
        report(c, cf_json_pointer(c->root, from->items[i].path), from->items[i].path,
               from->items[i].message);
}

/* Line and column of a byte offset, for JSON syntax errors. */
static void line_col(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (buf[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Parses one file's bytes as JSON ('{' or '[' first) or YAML into *out. */
static cf_rc parse(oa_ctx *c, oa_file *f, const char *buf, size_t len, cJSON **out)
{
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    cf_rc rc;
    if (i < len && (buf[i] == '{' || buf[i] == '[')) {
        size_t off = 0;
        rc = cf_json_parse(buf, len, CF_MAX_JSON_DEPTH, out, &off);
        if (rc != CF_OK) {
            unsigned line, col;
            line_col(buf, len, off, &line, &col);
            cf_diags_add(c->diags, f->name, "", "not valid JSON (line %u, column %u): %s", line,
                         col, rc == CF_E_TOO_DEEP ? "nested too deep" : cf_strerror(rc));
            c->problems++;
        }
        return rc;
    }
    char err[512];
    rc = cf_yaml_parse(buf, len, CF_MAX_JSON_DEPTH, out, &f->marks, err, sizeof err);
    if (rc != CF_OK) {
        cf_diags_add(c->diags, f->name, "", "not valid YAML: %s", err);
        c->problems++;
    }
    return rc;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* What sibling() returns when it cannot give a file. */
#define NO_FILE ((size_t)-1)

/* The file a relative ref names, loaded (once) and grafted; its index in c->files (0: the
 * entry file itself), or NO_FILE after reporting why not. */
static size_t sibling(oa_ctx *c, size_t from, const char *rel, const cJSON *node,
                      const char *pointer)
{
    if (!c->base) {
        oa_problem(c, node, pointer,
                   "$ref to another file \"%.200s\": not supported here "
                   "(the document was not read from a file)",
                   rel);
        return NO_FILE;
    }
    char joined[PATH_MAX], real[PATH_MAX];
    if (rel[0] == '/' ||
        snprintf(joined, sizeof joined, "%s/%s", c->files[from].dir, rel) >= (int)sizeof joined) {
        oa_problem(c, node, pointer,
                   "$ref \"%.200s\": only relative paths to files beside the "
                   "document are supported",
                   rel);
        return NO_FILE;
    }
    size_t bl = strlen(c->base);
    if (!realpath(joined, real)) {
        oa_problem(c, node, pointer, "$ref \"%.200s\": no such file", rel);
        return NO_FILE;
    }
    if (strncmp(real, c->base, bl) != 0 || (real[bl] != '/' && bl > 1)) {
        oa_problem(c, node, pointer, "$ref \"%.200s\" leaves the document's directory (refused)",
                   rel);
        return NO_FILE;
    }
    for (size_t i = 0; i < c->file_count; i++)
        if (c->files[i].real && strcmp(c->files[i].real, real) == 0)
            return i;
    if (c->file_count >= CF_MAX_CONTRACT_FILES) {
        oa_problem(c, node, pointer, "$ref \"%.200s\": more than %u files", rel,
                   CF_MAX_CONTRACT_FILES);
        return NO_FILE;
    }
    oa_file *f = &c->files[c->file_count];
    *f = (oa_file){0};
    f->name = strdup(joined);
    f->real = strdup(real);
    f->dir = dir_of(real);
    if (!f->name || !f->dir || !f->real) {
        free(f->name);
        free(f->dir);
        free(f->real);
        oa_problem(c, NULL, "", "out of memory");
        return NO_FILE;
    }
    c->file_count++;
    cf_buf b;
    char err[256];
    cf_rc rc = cf_file_read(real, CF_MAX_CONTRACT_FILE, &b, err, sizeof err);
    cJSON *doc = NULL;
    if (rc != CF_OK) {
        cf_diags_add(c->diags, f->name, "", "%s", err);
        c->problems++;
    } else {
        rc = parse(c, f, cf_buf_str(&b), b.len, &doc);
        cf_buf_free(&b);
    }
    if (!doc && !(doc = cJSON_CreateNull()))
        return NO_FILE;
    cJSON *files = cJSON_GetObjectItemCaseSensitive(c->root, OA_FILES_MEMBER);
    if (!files && (!(files = cJSON_CreateArray()) ||
                   !cJSON_AddItemToObject(c->root, OA_FILES_MEMBER, files))) {
        cJSON_Delete(doc);
        return NO_FILE;
    }
    cJSON_AddItemToArray(files, doc);
    return rc == CF_OK ? c->file_count - 1 : NO_FILE;
}

/* Rewrites `obj`'s "$ref" (a string) so it is local to the bundled root. */
static void rewrite_ref(oa_ctx *c, size_t file, cJSON *ref, const char *pointer)
{
    const char *r = ref->valuestring;
    const char *hash = strchr(r, '#');
    size_t target = file;
    if (r[0] != '#') {
        if (strstr(r, "://") || r[0] == '/') {
            oa_problem(c, ref, pointer,
                       "$ref \"%.200s\": remote and absolute refs are not "
                       "supported (only \"#/...\" and files beside the document)",
                       r);
            return;
        }
        char rel[PATH_MAX];
        size_t rl = hash ? (size_t)(hash - r) : strlen(r);
        if (rl >= sizeof rel)
            rl = sizeof rel - 1;
        memcpy(rel, r, rl);
        rel[rl] = '\0';
        if ((target = sibling(c, file, rel, ref, pointer)) == NO_FILE)
            return;
    }
    if (target == 0 && r[0] == '#')
        return; /* a local ref of the entry file: already right */
    cf_buf b;
    cf_buf_init(&b, CF_PATH_MAX * 8);
    cf_rc rc = target == 0 ? cf_buf_addf(&b, "#%s", hash ? hash + 1 : "")
                           : cf_buf_addf(&b, "#/" OA_FILES_MEMBER "/%zu%s", target - 1,
                                         hash ? hash + 1 : "");
    if (rc == CF_OK) {
        /* In place: the node keeps its address, so its YAML mark still finds it. */
        if (!cJSON_SetValuestring(ref, cf_buf_str(&b)))
            oa_problem(c, NULL, pointer, "out of memory");
    }
    cf_buf_free(&b);
}

/* Called for each object of a walk with its pointer; returns 0 to skip its children. */
typedef int (*visit_fn)(oa_ctx *c, size_t file, cJSON *node, const char *pointer);

/* Visits `node` and every object and array below it, depth first; `pointer` (a CF_PATH_MAX
 * buffer) is the node's place in the bundled root. The grafted files are skipped under the
 * entry's root when `skip_files` is set (they are walked as files of their own). */
static void walk(oa_ctx *c, size_t file, cJSON *node, char *pointer, int depth, int skip_files,
                 visit_fn fn)
{
    if (depth > CF_MAX_JSON_DEPTH || !fn(c, file, node, pointer))
        return; /* the parsers bound depth already */
    size_t len = strlen(pointer), i = 0;
    for (cJSON *k = node->child; k; k = k->next, i++) {
        if (skip_files && depth == 0 && k->string && strcmp(k->string, OA_FILES_MEMBER) == 0)
            continue;
        if (!cJSON_IsObject(k) && !cJSON_IsArray(k))
            continue;
        if (k->string)
            cf_diag_path_key(pointer + len, CF_PATH_MAX - len, "", k->string);
        else
            cf_diag_path_index(pointer + len, CF_PATH_MAX - len, "", i);
        walk(c, file, k, pointer, depth + 1, skip_files, fn);
        pointer[len] = '\0';
    }
}

/* Rewrites one file's refs so they are local to the bundled root. */
static int bundle(oa_ctx *c, size_t file, cJSON *node, const char *pointer)
{
    cJSON *ref = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "$ref") : NULL;
    if (cJSON_IsString(ref))
        rewrite_ref(c, file, ref, pointer);
    return 1;
}

cf_rc oa_doc_load(oa_ctx *c, const char *file, const char *buf, size_t len)
{
    oa_file *f = &c->files[0];
    *f = (oa_file){0};
    f->name = strdup(file ? file : "<memory>");
    f->dir = file ? dir_of(file) : strdup(".");
    if (!f->name || !f->dir)
        return CF_E_NOMEM;
    c->file_count = 1;
    if (file) {
        /* The entry's real path too, so a sibling's ref back to it names the root. */
        char real[PATH_MAX];
        if (realpath(f->dir, real))
            c->base = strdup(real);
        if (realpath(file, real))
            f->real = strdup(real);
    }
    cJSON *doc = NULL;
    cf_rc rc = parse(c, f, buf, len, &doc);
    if (rc != CF_OK)
        return rc;
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        oa_problem(c, NULL, "", "the document is not an object");
        return CF_E_INVALID;
    }
    rc = cf_api_adopt(c->api, doc);
    if (rc != CF_OK)
        return rc;
    c->root = doc;
    char pointer[CF_PATH_MAX] = "";
    walk(c, 0, doc, pointer, 0, 1, bundle);
    /* Files grafted while bundling are bundled in turn (their refs may add more). */
    cJSON *files = cJSON_GetObjectItemCaseSensitive(doc, OA_FILES_MEMBER);
    for (size_t i = 1; i < c->file_count; i++) {
        cJSON *sub = cJSON_GetArrayItem(files, (int)(i - 1));
        snprintf(pointer, sizeof pointer, "/" OA_FILES_MEMBER "/%zu", i - 1);
        if (sub)
            walk(c, i, sub, pointer, 1, 0, bundle);
    }
    return c->problems ? CF_E_INVALID : CF_OK;
}

/* A bundled ref as its author wrote it: "#/x-conform-files/3/a" is "<that file>#/a". */
static const char *shown(const oa_ctx *c, const char *ref, char *out, size_t n)
{
    static const char prefix[] = "#/" OA_FILES_MEMBER "/";
    if (strncmp(ref, prefix, sizeof prefix - 1) != 0)
        return ref;
    char *end;
    unsigned long k = strtoul(ref + sizeof prefix - 1, &end, 10);
    if (k + 1 >= c->file_count)
        return ref;
    const char *name = strrchr(c->files[k + 1].name, '/');
    snprintf(out, n, "%s#%s", name ? name + 1 : c->files[k + 1].name, end);
    return out;
}

const cJSON *oa_deref(oa_ctx *c, const cJSON *node, const char *pointer, char *where)
{
    const cJSON *seen[CF_MAX_REF_HOPS];
    char text[CF_PATH_MAX];
    snprintf(where, CF_PATH_MAX, "%s", pointer);
    for (size_t hops = 0;; hops++) {
        const cJSON *ref =
            cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "$ref") : NULL;
        if (!cJSON_IsString(ref))
            return node;
        for (size_t i = 0; i < hops; i++)
            if (seen[i] == node) {
                if (!c->refs_checked)
                    oa_problem(c, ref, pointer, "$ref cycle: \"%.200s\" leads back to itself",
                               shown(c, ref->valuestring, text, sizeof text));
                return NULL;
            }
        if (hops == CF_MAX_REF_HOPS) {
            if (!c->refs_checked)
                oa_problem(c, ref, pointer, "$ref chain longer than %u (a cycle?)",
                           CF_MAX_REF_HOPS);
            return NULL;
        }
        seen[hops] = node;
        const char *why = NULL;
        const cJSON *target = cf_json_ref(c->root, ref->valuestring, &why);
        if (!target) {
            if (!c->refs_checked)
                oa_problem(c, ref, pointer, "unknown $ref \"%.200s\": %s",
                           shown(c, ref->valuestring, text, sizeof text), why);
            return NULL;
        }
        char decoded[CF_PATH_MAX];
        if (cf_json_uri_decode(ref->valuestring + 1, decoded, sizeof decoded))
            snprintf(where, CF_PATH_MAX, "%s", decoded);
        node = target;
    }
}

/* Checks a ref resolves and is no pure cycle (reported once: not below a bad ref). */
static int check_ref(oa_ctx *c, size_t file, cJSON *node, const char *pointer)
{
    (void)file;
    const cJSON *ref = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "$ref") : NULL;
    /* A ref still naming a file was refused while bundling. */
    if (!cJSON_IsString(ref) || ref->valuestring[0] != '#')
        return 1;
    char where[CF_PATH_MAX];
    size_t before = c->problems;
    (void)oa_deref(c, node, pointer, where);
    return c->problems == before;
}

void oa_doc_check_refs(oa_ctx *c)
{
    char pointer[CF_PATH_MAX] = "";
    walk(c, 0, c->root, pointer, 0, 0, check_ref);
    c->refs_checked = 1;
}

void oa_doc_cleanup(oa_ctx *c)
{
    for (size_t i = 0; i < c->file_count; i++) {
        free(c->files[i].name);
        free(c->files[i].dir);
        free(c->files[i].real);
        cf_yaml_marks_free(&c->files[i].marks);
    }
    c->file_count = 0;
    free(c->base);
    c->base = NULL;
}

const char *oa_string(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        char p[CF_PATH_MAX];
        oa_problem(c, v, cf_diag_path_key(p, sizeof p, pointer, name), "\"%s\" must be a string",
                   name);
        return NULL;
    }
    return v->valuestring;
}

int oa_bool(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return dflt;
    if (!cJSON_IsBool(v)) {
        char p[CF_PATH_MAX];
        oa_problem(c, v, cf_diag_path_key(p, sizeof p, pointer, name), "\"%s\" must be a boolean",
                   name);
        return dflt;
    }
    return cJSON_IsTrue(v);
}

static const cJSON *typed(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name,
                          int array)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v)
        return NULL;
    if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v)) {
        char p[CF_PATH_MAX];
        oa_problem(c, v, cf_diag_path_key(p, sizeof p, pointer, name), "\"%s\" must be an %s", name,
                   array ? "array" : "object");
        return NULL;
    }
    return v;
}

const cJSON *oa_object(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name)
{
    return typed(c, obj, pointer, name, 0);
}

const cJSON *oa_array(oa_ctx *c, const cJSON *obj, const char *pointer, const char *name)
{
    return typed(c, obj, pointer, name, 1);
}

const char *oa_strdup(oa_ctx *c, const char *s)
{
    const char *d = cf_api_strdup(c->api, s);
    if (s && !d) {
        oa_problem(c, NULL, "", "out of memory");
    }
    return d;
}

void oa_check_keys(oa_ctx *c, const cJSON *obj, const char *pointer, const char *const *allowed)
{
    if (obj && !cJSON_IsObject(obj)) {
        /* An array's members have no keys to check: the value itself is what is wrong. */
        oa_problem(c, obj, pointer, "must be an object");
        return;
    }
    for (const cJSON *k = obj ? obj->child : NULL; k; k = k->next) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], k->string) != 0)
            i++;
        if (allowed[i])
            continue;
        char list[512] = "", p[CF_PATH_MAX];
        size_t at = 0;
        for (i = 0; allowed[i] && at < sizeof list; i++)
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? ", " : "", allowed[i]);
        oa_problem(c, k, cf_diag_path_key(p, sizeof p, pointer, k->string),
                   "unknown key \"%.80s\" (allowed: %s)", k->string, list);
    }
}
