/* openapi_ops.c - OpenAPI paths into cf_api operations: parameters, request bodies, responses,
 * examples and security. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "contract/openapi_internal.h"

static const char *const methods[] = {"get",     "put",  "post",  "delete",
                                      "options", "head", "patch", "trace"};
#define METHOD_COUNT (sizeof methods / sizeof methods[0])

/* Lints a schema (problems counted, warnings only shown) and compiles it into out. */
static void schema(oa_ctx *c, cf_api_schema *out, const cJSON *json, const char *pointer)
{
    if (!json)
        return;
    size_t bad = cf_schema_lint_open(json, &c->api->schema_options, NULL, pointer, NULL);
    if (bad) {
        /* Again with diagnostics, now that we know there is something to say. */
        cf_diags d;
        cf_diags_init(&d);
        (void)cf_schema_lint_open(json, &c->api->schema_options, NULL, pointer, &d);
        oa_diags_add(c, &d);
        cf_diags_cleanup(&d);
    }
    c->problems += bad;
    if (cf_api_schema_set(c->api, out, json) != CF_OK)
        oa_problem(c, NULL, pointer, "out of memory");
}

/* `example`, else the value of the first of `examples` (refs resolved). */
static const cJSON *example(oa_ctx *c, const cJSON *obj, const char *pointer,
                            const cJSON **examples)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(obj, "example");
    const cJSON *list = oa_object(c, obj, pointer, "examples");
    if (examples)
        *examples = list;
    if (e || !list || !list->child)
        return e;
    char p[CF_PATH_MAX], where[CF_PATH_MAX];
    cf_diag_path_key(p, sizeof p, pointer, "examples");
    cf_diag_path_key(p, sizeof p, p, list->child->string);
    const cJSON *ex = oa_deref(c, list->child, p, where);
    return ex ? cJSON_GetObjectItemCaseSensitive(ex, "value") : NULL;
}

/* A content map into media entries. */
static cf_api_media *content(oa_ctx *c, const cJSON *map, const char *pointer, size_t *count)
{
    *count = 0;
    size_t n = (size_t)cJSON_GetArraySize(map);
    if (!n)
        return NULL;
    cf_api_media *list = cf_api_alloc(c->api, n * sizeof *list);
    if (!list) {
        oa_problem(c, NULL, pointer, "out of memory");
        return NULL;
    }
    for (const cJSON *m = map->child; m; m = m->next) {
        char p[CF_PATH_MAX], where[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, pointer, m->string);
        const cJSON *d = oa_deref(c, m, p, where);
        if (!d)
            continue;
        if (!cJSON_IsObject(d)) {
            oa_problem(c, d, where, "a media type must be an object");
            continue;
        }
        cf_api_media *e = &list[(*count)++];
        e->media_type = oa_strdup(c, m->string);
        char sp[CF_PATH_MAX];
        schema(c, &e->schema, cJSON_GetObjectItemCaseSensitive(d, "schema"),
               cf_diag_path_key(sp, sizeof sp, where, "schema"));
        e->example = example(c, d, where, &e->examples);
    }
    return list;
}

static cf_api_style style_of(const char *s, cf_api_in in)
{
    static const char *const names[] = {"simple",         "form",          "label",     "matrix",
                                        "spaceDelimited", "pipeDelimited", "deepObject"};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return (cf_api_style)i;
    return in == CF_API_IN_QUERY || in == CF_API_IN_COOKIE ? CF_API_STYLE_FORM
                                                           : CF_API_STYLE_SIMPLE;
}

/* One parameter object into *out; 0 when it is unusable (reported). */
static int param(oa_ctx *c, const cJSON *d, const char *where, cf_api_param *out)
{
    const char *name = oa_string(c, d, where, "name"), *in = oa_string(c, d, where, "in");
    static const char *const ins[] = {"path", "query", "header", "cookie"};
    size_t i = 0;
    while (in && i < 4 && strcmp(in, ins[i]) != 0)
        i++;
    if (!name || !in || i == 4) {
        oa_problem(c, d, where,
                   "a parameter needs \"name\" and \"in\" (path, query, header or "
                   "cookie)");
        return 0;
    }
    out->name = oa_strdup(c, name);
    out->in = (cf_api_in)i;
    out->required = oa_bool(c, d, where, "required", 0) || out->in == CF_API_IN_PATH;
    const char *st = oa_string(c, d, where, "style");
    out->style = style_of(st, out->in);
    out->explode = oa_bool(c, d, where, "explode", out->style == CF_API_STYLE_FORM);
    out->deprecated = oa_bool(c, d, where, "deprecated", 0);
    char sp[CF_PATH_MAX];
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(d, "schema");
    if (s) {
        schema(c, &out->schema, s, cf_diag_path_key(sp, sizeof sp, where, "schema"));
    } else {
        /* "content": one media type whose schema describes the serialised value. */
        size_t n = 0;
        const cJSON *map = oa_object(c, d, where, "content");
        cf_api_media *m = content(c, map, cf_diag_path_key(sp, sizeof sp, where, "content"), &n);
        if (n)
            out->schema = m[0].schema;
    }
    out->example = example(c, d, where, NULL);
    return 1;
}

/* The parameters of path item and operation (the operation's win on name and place). */
static void params(oa_ctx *c, cf_api_operation *op, const cJSON *lists[2], const char *ptrs[2])
{
    size_t n = (size_t)cJSON_GetArraySize(lists[0]) + (size_t)cJSON_GetArraySize(lists[1]);
    if (!n)
        return;
    if (!(op->params = cf_api_alloc(c->api, n * sizeof *op->params))) {
        oa_problem(c, NULL, ptrs[1], "out of memory");
        return;
    }
    for (int l = 1; l >= 0; l--) {
        size_t i = 0;
        for (const cJSON *p = lists[l] ? lists[l]->child : NULL; p; p = p->next, i++) {
            char pp[CF_PATH_MAX], where[CF_PATH_MAX];
            cf_diag_path_index(pp, sizeof pp, ptrs[l], i);
            const cJSON *d = oa_deref(c, p, pp, where);
            cf_api_param tmp = {0};
            if (!d || !param(c, d, where, &tmp))
                continue;
            /* Accept, Content-Type and Authorization headers are described elsewhere. */
            if (tmp.in == CF_API_IN_HEADER &&
                (strcasecmp(tmp.name, "Accept") == 0 || strcasecmp(tmp.name, "Content-Type") == 0 ||
                 strcasecmp(tmp.name, "Authorization") == 0))
                continue;
            const cf_api_param *dup = cf_api_param_find(op, tmp.in, tmp.name);
            if (dup && l == 1)
                oa_problem(c, p, pp, "parameter \"%.80s\" in %s is listed twice", tmp.name,
                           cf_api_in_name(tmp.in));
            if (!dup)
                op->params[op->param_count++] = tmp;
        }
    }
}

/* Every {name} of the path template has a path parameter and every path parameter a {name}. */
static void path_params(oa_ctx *c, const cf_api_operation *op, const cJSON *node,
                        const char *pointer)
{
    cf_api_path_param pp;
    int found;
    for (const char *s = op->path; (found = cf_api_path_param_next(s, &pp)) != 0; s = pp.after) {
        if (found < 0) {
            oa_problem(c, node, pointer, "path \"%.200s\" has an unclosed '{'", op->path);
            return;
        }
        if (!cf_api_param_find(op, CF_API_IN_PATH, pp.name))
            oa_problem(c, node, pointer,
                       "path parameter {%s} of \"%.200s\" is not declared (it would be sent "
                       "literally)",
                       pp.name, op->path);
    }
    for (size_t i = 0; i < op->param_count; i++) {
        const cf_api_param *p = &op->params[i];
        char brace[260];
        snprintf(brace, sizeof brace, "{%s}", p->name);
        if (p->in == CF_API_IN_PATH && !strstr(op->path, brace))
            oa_problem(c, node, pointer, "path parameter \"%s\" does not appear in \"%.200s\"",
                       p->name, op->path);
    }
}

static void response_headers(oa_ctx *c, cf_api_response *r, const cJSON *map, const char *ptr)
{
    size_t n = (size_t)cJSON_GetArraySize(map);
    if (!n || !(r->headers = cf_api_alloc(c->api, n * sizeof *r->headers)))
        return;
    for (const cJSON *h = map->child; h; h = h->next) {
        char p[CF_PATH_MAX], where[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, ptr, h->string);
        const cJSON *d = oa_deref(c, h, p, where);
        if (!d || strcasecmp(h->string, "Content-Type") == 0)
            continue;
        cf_api_header *out = &r->headers[r->header_count++];
        out->name = oa_strdup(c, h->string);
        out->required = oa_bool(c, d, where, "required", 0);
        char sp[CF_PATH_MAX];
        schema(c, &out->schema, cJSON_GetObjectItemCaseSensitive(d, "schema"),
               cf_diag_path_key(sp, sizeof sp, where, "schema"));
    }
}

/* "200", "2XX" / "2xx" or "default" into kind and status; 0 when it is none of them. */
static int status_key(const char *k, cf_api_response *r)
{
    if (strcmp(k, "default") == 0) {
        r->kind = CF_API_STATUS_DEFAULT;
        return 1;
    }
    if (strlen(k) != 3 || k[0] < '1' || k[0] > '5')
        return 0;
    if ((k[1] == 'X' || k[1] == 'x') && (k[2] == 'X' || k[2] == 'x')) {
        r->kind = CF_API_STATUS_RANGE;
        r->status = k[0] - '0';
        return 1;
    }
    if (k[1] < '0' || k[1] > '9' || k[2] < '0' || k[2] > '9')
        return 0;
    r->kind = CF_API_STATUS_EXACT;
    r->status = atoi(k);
    return 1;
}

static void responses(oa_ctx *c, cf_api_operation *op, const cJSON *map, const char *ptr)
{
    size_t n = (size_t)cJSON_GetArraySize(map);
    if (!n || !(op->responses = cf_api_alloc(c->api, n * sizeof *op->responses)))
        return;
    for (const cJSON *k = map->child; k; k = k->next) {
        char p[CF_PATH_MAX], where[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, ptr, k->string);
        if (strncmp(k->string, "x-", 2) == 0)
            continue;
        cf_api_response *r = &op->responses[op->response_count];
        if (!status_key(k->string, r)) {
            oa_problem(c, k, p,
                       "response key \"%.40s\" is not a status, a range like 2XX or "
                       "default",
                       k->string);
            continue;
        }
        const cJSON *d = oa_deref(c, k, p, where);
        if (!d)
            continue;
        op->response_count++;
        r->description = oa_strdup(c, oa_string(c, d, where, "description"));
        r->role = r->kind == CF_API_STATUS_EXACT ? cf_api_role_for_status(r->status)
                  : r->kind == CF_API_STATUS_RANGE && r->status == 5 ? CF_API_ROLE_INTERNAL
                                                                     : CF_API_ROLE_NONE;
        char hp[CF_PATH_MAX], cp[CF_PATH_MAX];
        response_headers(c, r, oa_object(c, d, where, "headers"),
                         cf_diag_path_key(hp, sizeof hp, where, "headers"));
        r->content = content(c, oa_object(c, d, where, "content"),
                             cf_diag_path_key(cp, sizeof cp, where, "content"), &r->content_count);
        const cJSON *xc = cJSON_GetObjectItemCaseSensitive(d, "x-conform");
        if (xc) {
            static const char *const keys[] = {"code", "role", NULL};
            char xp[CF_PATH_MAX];
            cf_diag_path_key(xp, sizeof xp, where, "x-conform");
            oa_check_keys(c, xc, xp, keys);
            r->error_code = oa_strdup(c, oa_string(c, xc, xp, "code"));
            const char *role = oa_string(c, xc, xp, "role");
            if (role && (r->role = cf_api_role_from_name(role)) == CF_API_ROLE_NONE &&
                strcmp(role, "none") != 0)
                oa_problem(c, xc, xp, "unknown role \"%.40s\"", role);
        }
    }
}

static void operation(oa_ctx *c, cf_api_operation *op, const char *path, const char *method,
                      const cJSON *d, const char *where, const cJSON *item_params,
                      const char *item_ptr)
{
    char buf[CF_PATH_MAX];
    op->pointer = oa_strdup(c, where);
    op->path = oa_strdup(c, path);
    char upper[16];
    size_t i = 0;
    for (; method[i] && i < sizeof upper - 1; i++)
        upper[i] = (char)(method[i] - 'a' + 'A');
    upper[i] = '\0';
    op->method = oa_strdup(c, upper);
    const char *id = oa_string(c, d, where, "operationId");
    if (!id) {
        snprintf(buf, sizeof buf, "%s %s", upper, path);
        id = buf;
    }
    op->id = oa_strdup(c, id);
    op->summary = oa_strdup(c, oa_string(c, d, where, "summary"));
    op->deprecated = oa_bool(c, d, where, "deprecated", 0);
    const cJSON *tags = oa_array(c, d, where, "tags");
    size_t tn = (size_t)cJSON_GetArraySize(tags);
    if (tn && (op->tags = cf_api_alloc(c->api, tn * sizeof *op->tags)))
        for (const cJSON *t = tags->child; t; t = t->next)
            if (cJSON_IsString(t))
                op->tags[op->tag_count++] = oa_strdup(c, t->valuestring);
    char pp[CF_PATH_MAX];
    const cJSON *lists[2] = {item_params, oa_array(c, d, where, "parameters")};
    const char *ptrs[2] = {item_ptr, cf_diag_path_key(pp, sizeof pp, where, "parameters")};
    params(c, op, lists, ptrs);
    path_params(c, op, d, where);
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(d, "requestBody");
    if (rb) {
        char rp[CF_PATH_MAX], rwhere[CF_PATH_MAX], cp[CF_PATH_MAX];
        const cJSON *body =
            oa_deref(c, rb, cf_diag_path_key(rp, sizeof rp, where, "requestBody"), rwhere);
        if (body) {
            op->body_required = oa_bool(c, body, rwhere, "required", 0);
            op->bodies =
                content(c, oa_object(c, body, rwhere, "content"),
                        cf_diag_path_key(cp, sizeof cp, rwhere, "content"), &op->body_count);
        }
    }
    char rp[CF_PATH_MAX], sp[CF_PATH_MAX];
    responses(c, op, oa_object(c, d, where, "responses"),
              cf_diag_path_key(rp, sizeof rp, where, "responses"));
    const cJSON *sec = oa_array(c, d, where, "security");
    if (sec) {
        op->security = oa_security(c, sec, cf_diag_path_key(sp, sizeof sp, where, "security"),
                                   &op->security_count);
        op->security_none = op->security_count == 0;
    }
    const cJSON *xc = cJSON_GetObjectItemCaseSensitive(d, "x-conform");
    if (xc) {
        char xp[CF_PATH_MAX];
        oa_conform_operation(c, op, xc, cf_diag_path_key(xp, sizeof xp, where, "x-conform"));
    }
}

/* Operations under one path item (a $ref'd one included); returns how many were added. */
static void path_item(oa_ctx *c, const cJSON *item, const char *pointer)
{
    char where[CF_PATH_MAX];
    const char *path = item->string;
    if (path[0] != '/') {
        if (strncmp(path, "x-", 2) != 0)
            oa_problem(c, item, pointer, "path \"%.200s\" must start with '/'", path);
        return;
    }
    const cJSON *d = oa_deref(c, item, pointer, where);
    if (!d || !cJSON_IsObject(d))
        return;
    char pp[CF_PATH_MAX];
    const cJSON *ip = oa_array(c, d, where, "parameters");
    cf_diag_path_key(pp, sizeof pp, where, "parameters");
    for (size_t m = 0; m < METHOD_COUNT; m++) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(d, methods[m]);
        if (!o)
            continue;
        char op_ptr[CF_PATH_MAX];
        cf_diag_path_key(op_ptr, sizeof op_ptr, where, methods[m]);
        if (!cJSON_IsObject(o)) {
            oa_problem(c, o, op_ptr, "an operation must be an object");
            continue;
        }
        if (c->api->operation_count >= CF_MAX_OPERATIONS) {
            oa_problem(c, o, op_ptr, "more than %u operations", CF_MAX_OPERATIONS);
            return;
        }
        cf_api_operation *op = &c->api->operations[c->api->operation_count++];
        operation(c, op, path, methods[m], o, op_ptr, ip, pp);
    }
}

static int by_id(const void *a, const void *b)
{
    const cf_api_operation *x = *(const cf_api_operation *const *)a;
    const cf_api_operation *y = *(const cf_api_operation *const *)b;
    return strcmp(x->id, y->id);
}

/* operationIds are unique (a suite names operations by them). */
static void unique_ids(oa_ctx *c)
{
    size_t n = c->api->operation_count;
    const cf_api_operation **s = n ? malloc(n * sizeof *s) : NULL;
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        s[i] = &c->api->operations[i];
    qsort(s, n, sizeof *s, by_id);
    for (size_t i = 1; i < n; i++)
        if (strcmp(s[i]->id, s[i - 1]->id) == 0)
            oa_problem(c, NULL, s[i]->pointer, "operationId \"%.100s\" is used twice (also at %s)",
                       s[i]->id, s[i - 1]->pointer);
    free(s);
}

/* `node` with its $refs followed (quietly: the ref check reported what is wrong). */
static const cJSON *followed(const oa_ctx *c, const cJSON *node)
{
    const char *why;
    for (size_t hops = 0; node && hops < CF_MAX_REF_HOPS; hops++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
        if (!cJSON_IsString(ref))
            break;
        node = cf_json_ref(c->root, ref->valuestring, &why);
    }
    return node;
}

/* Appends `r` to a resource list of the api's arena; 0 when out of memory. */
static int add_ref(oa_ctx *c, cf_api_resource_ref **list, size_t *count, cf_api_resource_ref r)
{
    cf_api_resource_ref *grown = cf_api_alloc(c->api, (*count + 1) * sizeof *grown);
    if (!grown)
        return 0;
    if (*count)
        memcpy(grown, *list, *count * sizeof *grown);
    grown[(*count)++] = r;
    *list = grown;
    return 1;
}

/* The parameter a link sets: "id", or "path.id" naming its place. */
static const cf_api_param *link_param(const cf_api_operation *to, const char *name)
{
    static const cf_api_in ins[] = {CF_API_IN_PATH, CF_API_IN_QUERY, CF_API_IN_HEADER};
    static const char *const prefixes[] = {"path.", "query.", "header."};
    for (size_t i = 0; i < 3; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return cf_api_param_find(to, ins[i], name + strlen(prefixes[i]));
    const cf_api_param *p = NULL;
    for (size_t i = 0; !p && i < 3; i++)
        p = cf_api_param_find(to, ins[i], name);
    return p;
}

/* One link of a success response of `from`: each parameter given from the response body
 * ("$response.body#/id") or a header ("$response.header.Location") becomes a resource `from`
 * produces and the target consumes. Other expressions are not resources; they are left. */
static void link(oa_ctx *c, cf_api_operation *from, const char *name, const cJSON *l)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(l, "operationId");
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(l, "operationRef");
    cf_api_operation *to = NULL;
    for (size_t i = 0; !to && i < c->api->operation_count; i++) {
        cf_api_operation *o = &c->api->operations[i];
        if ((cJSON_IsString(id) && strcmp(o->id, id->valuestring) == 0) ||
            (cJSON_IsString(ref) && ref->valuestring[0] == '#' &&
             strcmp(o->pointer, ref->valuestring + 1) == 0))
            to = o;
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(l, "parameters");
    for (const cJSON *p = to && cJSON_IsObject(params) ? params->child : NULL; p; p = p->next) {
        const cf_api_param *target = link_param(to, p->string);
        const char *expr = cJSON_IsString(p) ? p->valuestring : "";
        cf_api_resource_ref made = {.in = CF_API_IN_BODY};
        if (strncmp(expr, "$response.body#", 15) == 0) {
            made.where = oa_strdup(c, expr + 15);
        } else if (strncmp(expr, "$response.header.", 17) == 0) {
            made.in = CF_API_IN_HEADER;
            made.where = oa_strdup(c, expr + 17);
        }
        if (!target || !made.where)
            continue;
        char resource[CF_PATH_MAX];
        snprintf(resource, sizeof resource, "%s.%s.%s", from->id, name, target->name);
        made.resource = oa_strdup(c, resource);
        cf_api_resource_ref used = {
            .resource = made.resource, .in = target->in, .where = target->name};
        if (!made.resource || !add_ref(c, &from->mock.produces, &from->mock.produce_count, made) ||
            !add_ref(c, &to->mock.consumes, &to->mock.consume_count, used)) {
            oa_problem(c, NULL, from->pointer, "out of memory");
            return;
        }
    }
}

/* OpenAPI links of success responses, as produced and consumed resources (cf_api_mock_hints):
 * after every operation is read, since a link may name one further down. */
static void links(oa_ctx *c)
{
    for (size_t i = 0; i < c->api->operation_count; i++) {
        cf_api_operation *op = &c->api->operations[i];
        const cJSON *d = cf_json_pointer(c->root, op->pointer);
        const cJSON *responses = cJSON_GetObjectItemCaseSensitive(d, "responses");
        for (const cJSON *r = cJSON_IsObject(responses) ? responses->child : NULL; r; r = r->next) {
            if (r->string[0] != '2')
                continue;
            const cJSON *ls = cJSON_GetObjectItemCaseSensitive(followed(c, r), "links");
            for (const cJSON *l = cJSON_IsObject(ls) ? ls->child : NULL; l; l = l->next) {
                const cJSON *body = followed(c, l);
                if (cJSON_IsObject(body))
                    link(c, op, l->string, body);
            }
        }
    }
}

void oa_operations(oa_ctx *c)
{
    const cJSON *paths = oa_object(c, c->root, "", "paths");
    size_t n = 0;
    for (const cJSON *item = paths ? paths->child : NULL; item; item = item->next) {
        /* Refs followed quietly: path_item() reports what is wrong. */
        const cJSON *d = item->string[0] == '/' ? followed(c, item) : NULL;
        for (size_t m = 0; d && m < METHOD_COUNT; m++)
            n += cJSON_GetObjectItemCaseSensitive(d, methods[m]) != NULL;
    }
    if (n > CF_MAX_OPERATIONS)
        n = CF_MAX_OPERATIONS;
    if (n && !(c->api->operations = cf_api_alloc(c->api, n * sizeof *c->api->operations))) {
        oa_problem(c, NULL, "/paths", "out of memory");
        return;
    }
    for (const cJSON *item = paths ? paths->child : NULL; item; item = item->next) {
        char p[CF_PATH_MAX];
        path_item(c, item, cf_diag_path_key(p, sizeof p, "/paths", item->string));
    }
    unique_ids(c);
    links(c);
}
