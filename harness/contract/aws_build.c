/* aws_build.c - the AWS model (aws_common.h) as a cf_api: operations with their HTTP bindings,
 * schemas, the error catalogue with inferred roles, restJson1's wire rules (x-amzn-ErrorType,
 * x-amzn-RequestId), idempotency from @idempotencyToken, credentials inferred from headers. */
#include "contract/aws_common.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "contract/api.h"

/* The building of one api: the generated schemas live in `gen`, adopted by the api. */
typedef struct {
    aws_model *m;
    cf_api *api;
    cJSON *gen; /* array of every schema made here (owned by the api) */
} build;

/* Roles of the error names AWS services share, before the status is asked. */
static const struct {
    const char *name;
    cf_api_role role;
} aws_names[] = {
    {"ValidationException", CF_API_ROLE_VALIDATION},
    {"BadRequestException", CF_API_ROLE_VALIDATION},
    {"InvalidParameterException", CF_API_ROLE_VALIDATION},
    {"AccessDeniedException", CF_API_ROLE_AUTH},
    {"UnauthorizedException", CF_API_ROLE_AUTH},
    {"ResourceNotFoundException", CF_API_ROLE_NOT_FOUND},
    {"NotFoundException", CF_API_ROLE_NOT_FOUND},
    {"ConflictException", CF_API_ROLE_CONFLICT},
    {"ServiceQuotaExceededException", CF_API_ROLE_QUOTA},
    {"LimitExceededException", CF_API_ROLE_QUOTA},
    {"ThrottlingException", CF_API_ROLE_THROTTLE},
    {"TooManyRequestsException", CF_API_ROLE_THROTTLE},
    {"InternalServerException", CF_API_ROLE_INTERNAL},
    {"InternalServerError", CF_API_ROLE_INTERNAL},
    {"InternalFailureException", CF_API_ROLE_INTERNAL},
    {"ServiceUnavailableException", CF_API_ROLE_INTERNAL},
};

/* The wire name of a shape id: the part after '#' (Smithy), else the id (botocore). */
static const char *short_name(const char *id)
{
    const char *hash = strchr(id, '#');
    return hash ? hash + 1 : id;
}

static cf_rc nomem(build *b, const char *ptr)
{
    aws_fail(b->m, ptr, "out of memory (or the model passes CF_MAX_API_BYTES)");
    return CF_E_NOMEM;
}

/* Keeps `schema` (taken) in the api and sets *s to it, compiled. */
static cf_rc keep_schema(build *b, cf_api_schema *s, cJSON *schema, const char *ptr)
{
    if (!schema)
        return CF_OK;
    if (!cJSON_AddItemToArray(b->gen, schema)) {
        cJSON_Delete(schema);
        return nomem(b, ptr);
    }
    return cf_api_schema_set(b->api, s, schema) == CF_OK ? CF_OK : nomem(b, ptr);
}

static cJSON *object_schema(void)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "type", "object")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* One media entry of `schema` (taken): application/json, or raw bytes for a blob or string
 * payload. */
static cf_rc media(build *b, cf_api_media **out, size_t *count, cJSON *schema, int raw,
                   const char *ptr)
{
    cf_api_media *md = cf_api_alloc(b->api, sizeof(*md));
    if (!md) {
        cJSON_Delete(schema);
        return nomem(b, ptr);
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    md->media_type = !raw ? "application/json"
                     : cJSON_IsString(type) && cJSON_GetObjectItem(schema, "format")
                         ? "application/octet-stream"
                         : "text/plain";
    *out = md;
    *count = 1;
    return keep_schema(b, &md->schema, schema, ptr);
}

static cf_rc catalogue(build *b)
{
    aws_model *m = b->m;
    size_t n = 0;
    for (size_t i = 0; i < m->shape_count; i++)
        n += m->shapes[i].is_error;
    cf_api *api = b->api;
    if (n && !(api->errors = cf_api_alloc(api, n * sizeof(cf_api_error))))
        return nomem(b, "");
    for (size_t i = 0; i < m->shape_count; i++) {
        aws_shape *s = &m->shapes[i];
        if (!s->is_error)
            continue;
        cf_api_error *e = &api->errors[api->error_count++];
        e->code = cf_api_strdup(api, short_name(s->id));
        e->status = s->http_status ? s->http_status : s->server ? 500 : 400;
        e->role = cf_api_role_for_status(e->status);
        e->inferred = 1;
        for (size_t k = 0; k < sizeof(aws_names) / sizeof(aws_names[0]); k++)
            if (strcmp(aws_names[k].name, e->code ? e->code : "") == 0)
                e->role = aws_names[k].role;
        cJSON *body = NULL;
        int raw = 0;
        cf_rc rc = aws_schema_body(m, i, &body, &raw);
        if (rc == CF_OK && !body)
            body = object_schema();
        if (rc != CF_OK || !e->code || keep_schema(b, &e->schema, body, s->ptr) != CF_OK)
            return rc != CF_OK ? rc : nomem(b, s->ptr);
        if (e->role != CF_API_ROLE_NONE && !api->roles[e->role].code) {
            api->roles[e->role].code = e->code;
            api->roles[e->role].status = e->status;
            api->roles[e->role].inferred = 1;
        }
    }
    return CF_OK;
}

/* restJson1's envelope: errors by status; the code in x-amzn-ErrorType (clients keep the text
 * before ':' and after '#', and fall back to the body's __type or code); the message in the
 * body's "Message" or "message", whichever the error shapes use most. */
static void envelope(build *b)
{
    size_t upper = 0, lower = 0;
    for (size_t i = 0; i < b->m->shape_count; i++) {
        const aws_shape *s = &b->m->shapes[i];
        for (size_t j = 0; s->is_error && j < s->member_count; j++) {
            const char *key = s->members[j].wire ? s->members[j].wire : s->members[j].name;
            upper += s->members[j].loc == AWS_LOC_BODY && strcmp(key, "Message") == 0;
            lower += s->members[j].loc == AWS_LOC_BODY && strcmp(key, "message") == 0;
        }
    }
    cf_api_envelope *env = &b->api->envelope;
    env->classify = CF_API_CLASSIFY_STATUS;
    env->code.at[0].header = "x-amzn-ErrorType";
    env->code.at[1].pointer = "/__type";
    env->code.at[2].pointer = "/code";
    env->code.count = 3;
    env->trim_aws_code = 1;
    /* the shapes' own spelling first; SDKs accept either */
    int upper_first = (upper || lower) ? upper >= lower : 0;
    env->message.at[0].pointer = upper_first ? "/Message" : "/message";
    env->message.at[1].pointer = upper_first ? "/message" : "/Message";
    env->message.count = 2;
}

static int has_role(const cf_api *api, const aws_op *op, cf_api_role role)
{
    for (size_t i = 0; i < op->error_count; i++) {
        const cf_api_error *e = cf_api_error_find(api, short_name(op->errors[i]));
        if (e && e->role == role)
            return 1;
    }
    return 0;
}

/* The token member's rule, IETF-draft semantics in the terms the operation's errors allow: a
 * changed payload gets its conflict error if it has one, else validation; a duplicate in
 * flight may get the conflict error, when there is one. */
static cf_rc idempotency(build *b, cf_api_operation *o, const aws_op *op, const aws_member *mb)
{
    cf_api_idempotency *id = &o->idem;
    char ptr[CF_PATH_MAX];
    const char *key = mb->wire ? mb->wire : mb->name;
    if (mb->loc == AWS_LOC_BODY)
        id->in = CF_API_TOKEN_BODY,
        id->token = cf_api_strdup(b->api, cf_diag_path_key(ptr, sizeof(ptr), "", key));
    else if (mb->loc == AWS_LOC_HEADER)
        id->in = CF_API_TOKEN_HEADER, id->token = cf_api_strdup(b->api, key);
    else if (mb->loc == AWS_LOC_QUERY)
        id->in = CF_API_TOKEN_QUERY, id->token = cf_api_strdup(b->api, key);
    else
        return aws_fail(b->m, mb->ptr,
                        "an idempotency token must travel in the body, a header or "
                        "the query");
    int conflict = has_role(b->api, op, CF_API_ROLE_CONFLICT);
    id->scope = CF_API_SCOPE_CALLER;
    id->mismatch_role = conflict ? CF_API_ROLE_CONFLICT : CF_API_ROLE_VALIDATION;
    id->in_flight_role = conflict ? CF_API_ROLE_CONFLICT : CF_API_ROLE_NONE;
    id->replays_errors = 1;
    id->inferred = 1;
    return id->token ? CF_OK : nomem(b, mb->ptr);
}

/* A credential inferred from a header member: "Authorization" or "X-Amz-Bearer". */
static cf_rc credential(build *b, cf_api_operation *o, const aws_member *mb)
{
    cf_api *api = b->api;
    const cf_api_credential *c = cf_api_credential_find(api, mb->wire);
    if (!c) {
        cf_api_credential *nc = &api->credentials[api->credential_count++];
        nc->id = cf_api_strdup(api, mb->wire);
        nc->name = nc->id;
        nc->in = CF_API_IN_HEADER;
        nc->kind = CF_API_CRED_API_KEY;
        nc->inferred = 1;
        c = nc;
    }
    o->security = cf_api_alloc(api, sizeof(cf_api_security));
    const cf_api_credential **all = cf_api_alloc(api, sizeof(*all));
    if (!o->security || !all || !c->id)
        return nomem(b, mb->ptr);
    all[0] = c;
    o->security->all = all;
    o->security->count = 1;
    o->security_count = 1;
    return CF_OK;
}

static cf_rc params(build *b, cf_api_operation *o, const aws_op *op)
{
    if (op->input_index == (size_t)-1)
        return CF_OK;
    aws_shape *in = &b->m->shapes[op->input_index];
    cf_api *api = b->api;
    if (in->member_count &&
        !(o->params = cf_api_alloc(api, in->member_count * sizeof(cf_api_param))))
        return nomem(b, in->ptr);
    for (size_t i = 0; i < in->member_count; i++) {
        const aws_member *mb = &in->members[i];
        if (mb->idempotency_token && !o->idem.token && idempotency(b, o, op, mb) != CF_OK)
            return CF_E_INVALID;
        if (mb->loc != AWS_LOC_LABEL && mb->loc != AWS_LOC_QUERY && mb->loc != AWS_LOC_HEADER)
            continue; /* body, payload; query maps and prefix headers have no parameter */
        cf_api_param *p = &o->params[o->param_count++];
        p->name = cf_api_strdup(api, mb->wire ? mb->wire : mb->name);
        p->in = mb->loc == AWS_LOC_LABEL   ? CF_API_IN_PATH
                : mb->loc == AWS_LOC_QUERY ? CF_API_IN_QUERY
                                           : CF_API_IN_HEADER;
        p->required = mb->required || mb->loc == AWS_LOC_LABEL;
        p->style = mb->loc == AWS_LOC_QUERY ? CF_API_STYLE_FORM : CF_API_STYLE_SIMPLE;
        p->explode = mb->loc == AWS_LOC_QUERY;
        if (!p->name)
            return nomem(b, mb->ptr);
        if (keep_schema(b, &p->schema,
                        aws_schema_of(b->m, mb->target_index, &mb->c, mb->loc, mb->ptr),
                        mb->ptr) != CF_OK ||
            !p->schema.json)
            return CF_E_INVALID;
        if (mb->loc == AWS_LOC_HEADER && !o->security_count &&
            (strcasecmp(p->name, "X-Amz-Bearer") == 0 ||
             strcasecmp(p->name, "Authorization") == 0) &&
            credential(b, o, mb) != CF_OK)
            return CF_E_NOMEM;
    }
    return CF_OK;
}

/* The path template: "{Label+}" (greedy) becomes "{Label}"; every label must be bound to an
 * input member and every bound member appear. A literal query ("?x=y") is refused. */
static cf_rc path(build *b, cf_api_operation *o, const aws_op *op)
{
    if (strchr(op->uri, '?'))
        return aws_fail(b->m, op->ptr, "the uri \"%s\" has a literal query: not supported",
                        op->uri);
    char *t = cf_api_alloc(b->api, strlen(op->uri) + 1);
    if (!t)
        return nomem(b, op->ptr);
    size_t n = 0;
    for (const char *s = op->uri; *s; s++)
        if (!(*s == '+' && s[1] == '}'))
            t[n++] = *s;
    o->path = t;
    if (t[0] != '/')
        return aws_fail(b->m, op->ptr, "the uri \"%s\" does not start with '/'", op->uri);
    size_t labels = 0;
    for (const char *s = strchr(t, '{'); s; s = strchr(s + 1, '{')) {
        const char *end = strchr(s, '}');
        if (!end)
            return aws_fail(b->m, op->ptr, "the uri \"%s\" has an unclosed label", op->uri);
        labels++;
        const cf_api_param *p = NULL;
        for (size_t i = 0; !p && i < o->param_count; i++)
            if (o->params[i].in == CF_API_IN_PATH &&
                strlen(o->params[i].name) == (size_t)(end - s - 1) &&
                strncmp(o->params[i].name, s + 1, (size_t)(end - s - 1)) == 0)
                p = &o->params[i];
        if (!p)
            return aws_fail(b->m, op->ptr, "the uri label %.*s is bound to no input member",
                            (int)(end - s + 1), s);
    }
    size_t bound = 0;
    for (size_t i = 0; i < o->param_count; i++)
        bound += o->params[i].in == CF_API_IN_PATH;
    if (bound != labels)
        return aws_fail(b->m, op->ptr, "%zu members are bound to labels but the uri \"%s\" has %zu",
                        bound, op->uri, labels);
    return CF_OK;
}

/* Response headers of an output or error: its header members (as the model says, optional)
 * plus x-amzn-RequestId on every response and x-amzn-ErrorType on errors. */
static cf_rc headers(build *b, cf_api_response *r, size_t shape, int error)
{
    const aws_shape *s = shape == (size_t)-1 ? NULL : &b->m->shapes[shape];
    size_t n = 1 + (size_t)error;
    for (size_t i = 0; s && i < s->member_count; i++)
        n += s->members[i].loc == AWS_LOC_HEADER;
    if (!(r->headers = cf_api_alloc(b->api, n * sizeof(cf_api_header))))
        return nomem(b, "");
    r->headers[r->header_count++] = (cf_api_header){.name = "x-amzn-RequestId", .required = 1};
    if (error)
        r->headers[r->header_count++] = (cf_api_header){.name = "x-amzn-ErrorType", .required = 1};
    for (size_t i = 0; s && i < s->member_count; i++) {
        const aws_member *mb = &s->members[i];
        if (mb->loc != AWS_LOC_HEADER)
            continue;
        cf_api_header *h = &r->headers[r->header_count++];
        h->name = cf_api_strdup(b->api, mb->wire);
        if (!h->name ||
            keep_schema(b, &h->schema,
                        aws_schema_of(b->m, mb->target_index, &mb->c, mb->loc, mb->ptr),
                        mb->ptr) != CF_OK ||
            !h->schema.json)
            return CF_E_INVALID;
    }
    return CF_OK;
}

static cf_rc responses(build *b, cf_api_operation *o, const aws_op *op)
{
    cf_api *api = b->api;
    if (!(o->responses = cf_api_alloc(api, (1 + op->error_count) * sizeof(cf_api_response))))
        return nomem(b, op->ptr);
    cf_api_response *ok = &o->responses[o->response_count++];
    ok->status = op->code;
    ok->role = CF_API_ROLE_NONE;
    cJSON *body = NULL;
    int raw = 0;
    if (aws_schema_body(b->m, op->output_index, &body, &raw) != CF_OK)
        return CF_E_INVALID;
    if (!body && !(body = object_schema()))
        return nomem(b, op->ptr);
    if (media(b, &ok->content, &ok->content_count, body, raw, op->ptr) != CF_OK ||
        headers(b, ok, op->output_index, 0) != CF_OK)
        return CF_E_INVALID;
    for (size_t i = 0; i < op->error_count; i++) {
        const cf_api_error *e = cf_api_error_find(api, short_name(op->errors[i]));
        if (!e)
            continue;
        cf_api_response *r = &o->responses[o->response_count++];
        r->status = e->status;
        r->role = e->role;
        r->error_code = e->code;
        if (!(r->content = cf_api_alloc(api, sizeof(cf_api_media))))
            return nomem(b, op->ptr);
        r->content_count = 1;
        r->content->media_type = "application/json";
        r->content->schema = e->schema;
        if (headers(b, r, op->error_index[i], 1) != CF_OK)
            return CF_E_INVALID;
    }
    return CF_OK;
}

static cf_rc operation(build *b, cf_api_operation *o, const aws_op *op)
{
    cf_api *api = b->api;
    o->id = cf_api_strdup(api, op->name);
    o->method = cf_api_strdup(api, op->method);
    o->pointer = cf_api_strdup(api, op->ptr);
    if (!o->id || !o->method || !o->pointer)
        return nomem(b, op->ptr);
    for (char *c = (char *)o->method; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    if (params(b, o, op) != CF_OK || path(b, o, op) != CF_OK)
        return CF_E_INVALID;
    cJSON *body = NULL;
    int raw = 0;
    if (aws_schema_body(b->m, op->input_index, &body, &raw) != CF_OK)
        return CF_E_INVALID;
    if (body) {
        const aws_shape *in = &b->m->shapes[op->input_index];
        for (size_t i = 0; i < in->member_count; i++)
            o->body_required |= in->members[i].required && (in->members[i].loc == AWS_LOC_BODY ||
                                                            in->members[i].loc == AWS_LOC_PAYLOAD);
        if (media(b, &o->bodies, &o->body_count, body, raw, op->ptr) != CF_OK)
            return CF_E_INVALID;
    }
    return responses(b, o, op);
}

/* The endpoint, https://{prefix}.{region}.amazonaws.com, with region as a server variable. */
static cf_rc server(build *b)
{
    cf_api *api = b->api;
    if (!b->m->endpoint)
        return CF_OK;
    char url[512];
    snprintf(url, sizeof(url), "https://%s.{region}.amazonaws.com", b->m->endpoint);
    api->servers = cf_api_alloc(api, sizeof(cf_api_server));
    cf_api_server_var *v = cf_api_alloc(api, sizeof(cf_api_server_var));
    if (!api->servers || !v || !(api->servers->url = cf_api_strdup(api, url)))
        return nomem(b, "");
    v->name = "region";
    v->default_value = "us-east-1";
    api->servers->vars = v;
    api->servers->var_count = 1;
    api->server_count = 1;
    return CF_OK;
}

cf_rc cf_aws_build(aws_model *m, cf_api *api)
{
    build b = {.m = m, .api = api, .gen = cJSON_CreateArray()};
    if (cf_api_adopt(api, b.gen) != CF_OK || !b.gen)
        return nomem(&b, "");
    api->title = cf_api_strdup(api, m->title);
    api->version = cf_api_strdup(api, m->version);
    api->defaults.request_type = "application/json";
    if (m->op_count &&
        !(api->operations = cf_api_alloc(api, m->op_count * sizeof(cf_api_operation))))
        return nomem(&b, "");
    /* at most one inferred credential per operation */
    if (m->op_count &&
        !(api->credentials = cf_api_alloc(api, m->op_count * sizeof(cf_api_credential))))
        return nomem(&b, "");
    cf_rc rc = server(&b);
    if (rc == CF_OK)
        rc = catalogue(&b);
    if (rc != CF_OK)
        return rc;
    envelope(&b);
    size_t before = m->errors;
    for (size_t i = 0; i < m->op_count; i++)
        if (operation(&b, &api->operations[api->operation_count++], &m->ops[i]) == CF_E_NOMEM)
            return CF_E_NOMEM;
    return m->errors > before ? CF_E_INVALID : CF_OK;
}
