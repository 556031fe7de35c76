/* openapi.c - the OpenAPI loader's entry: version, info, servers, security schemes, and the
 * order of the passes (document, refs, operations, x-conform, inference). */
#include "contract/openapi.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "contract/openapi_internal.h"

/* Checks "openapi" / "swagger"; returns 0 after reporting when the version is refused. */
static int version(oa_ctx *c)
{
    const cJSON *sw = cJSON_GetObjectItemCaseSensitive(c->root, "swagger");
    if (sw) {
        oa_problem(c, sw, "/swagger",
                   "Swagger 2.0 is not supported: only OpenAPI 3.0 and 3.1 are (convert the "
                   "document, e.g. with swagger2openapi)");
        return 0;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->root, "openapi");
    if (!cJSON_IsString(v)) {
        oa_problem(c, v, "/openapi", "no \"openapi\" version string: not an OpenAPI document");
        return 0;
    }
    if (strncmp(v->valuestring, "3.0.", 4) == 0 || strcmp(v->valuestring, "3.0") == 0) {
        c->api->source = CF_API_FROM_OPENAPI_30;
        c->api->schema_options.dialect = CF_SCHEMA_OAS30;
        return 1;
    }
    if (strncmp(v->valuestring, "3.1.", 4) == 0 || strcmp(v->valuestring, "3.1") == 0) {
        c->api->source = CF_API_FROM_OPENAPI_31;
        c->api->schema_options.dialect = CF_SCHEMA_2020_12;
        c->v31 = 1;
        const char *d = oa_string(c, c->root, "", "jsonSchemaDialect");
        if (d && strcmp(d, "https://json-schema.org/draft/2020-12/schema") != 0 &&
            strcmp(d, "https://spec.openapis.org/oas/3.1/dialect/base") != 0) {
            oa_problem(c, NULL, "/jsonSchemaDialect",
                       "jsonSchemaDialect \"%.100s\" is not supported (2020-12 and the OpenAPI "
                       "3.1 base dialect are)",
                       d);
            return 0;
        }
        return 1;
    }
    oa_problem(c, v, "/openapi", "OpenAPI version \"%.40s\" is not supported (3.0.x and 3.1.x are)",
               v->valuestring);
    return 0;
}

static void servers(oa_ctx *c)
{
    const cJSON *list = oa_array(c, c->root, "", "servers");
    size_t n = (size_t)cJSON_GetArraySize(list);
    if (!n)
        return;
    cf_api *api = c->api;
    api->servers = cf_api_alloc(api, n * sizeof *api->servers);
    if (!api->servers) {
        oa_problem(c, NULL, "", "out of memory");
        return;
    }
    size_t i = 0;
    for (const cJSON *s = list->child; s; s = s->next, i++) {
        char p[CF_PATH_MAX];
        cf_diag_path_index(p, sizeof p, "/servers", i);
        cf_api_server *out = &api->servers[api->server_count];
        const char *url = oa_string(c, s, p, "url");
        if (!url) {
            oa_problem(c, s, p, "a server needs a \"url\"");
            continue;
        }
        out->url = oa_strdup(c, url);
        out->description = oa_strdup(c, oa_string(c, s, p, "description"));
        const cJSON *vars = oa_object(c, s, p, "variables");
        size_t vn = (size_t)cJSON_GetArraySize(vars);
        if (vn && !(out->vars = cf_api_alloc(api, vn * sizeof *out->vars))) {
            oa_problem(c, NULL, "", "out of memory");
            return;
        }
        for (const cJSON *v = vars ? vars->child : NULL; v; v = v->next) {
            char vp[CF_PATH_MAX];
            cf_diag_path_key(vp, sizeof vp, p, "variables");
            cf_diag_path_key(vp, sizeof vp, vp, v->string);
            cf_api_server_var *sv = &out->vars[out->var_count++];
            sv->name = oa_strdup(c, v->string);
            sv->default_value = oa_strdup(c, oa_string(c, v, vp, "default"));
            sv->description = oa_strdup(c, oa_string(c, v, vp, "description"));
            const cJSON *e = oa_array(c, v, vp, "enum");
            size_t en = (size_t)cJSON_GetArraySize(e);
            if (en && (sv->enum_values = cf_api_alloc(api, en * sizeof *sv->enum_values)))
                for (const cJSON *x = e->child; x; x = x->next)
                    if (cJSON_IsString(x))
                        sv->enum_values[sv->enum_count++] = oa_strdup(c, x->valuestring);
        }
        api->server_count++;
    }
}

/* A secret variable named after a security scheme when x-conform names no callers. */
static const char *caller_var(oa_ctx *c, const char *scheme)
{
    char name[128];
    size_t n = 0;
    for (const char *s = scheme; *s && n + 1 < sizeof name; s++)
        name[n++] = isalnum((unsigned char)*s) ? *s : '_';
    name[n] = '\0';
    if (!n || isdigit((unsigned char)name[0]))
        return NULL;
    cf_api *api = c->api;
    if (cf_api_var_find(api, name))
        return cf_api_var_find(api, name)->name;
    cf_api_var *v = &api->vars[api->var_count++];
    v->name = oa_strdup(c, name);
    v->secret = 1;
    v->description = oa_strdup(c, "a caller's credential (from securitySchemes)");
    return v->name;
}

static void scheme(oa_ctx *c, const cJSON *s, const char *p, cf_api_credential *cr)
{
    const char *type = oa_string(c, s, p, "type");
    cr->in = CF_API_IN_HEADER;
    cr->name = "Authorization";
    if (type && strcmp(type, "apiKey") == 0) {
        const char *in = oa_string(c, s, p, "in"), *name = oa_string(c, s, p, "name");
        cr->kind = CF_API_CRED_API_KEY;
        cr->in = in && strcmp(in, "query") == 0    ? CF_API_IN_QUERY
                 : in && strcmp(in, "cookie") == 0 ? CF_API_IN_COOKIE
                                                   : CF_API_IN_HEADER;
        if (!name || !in ||
            (strcmp(in, "query") != 0 && strcmp(in, "header") != 0 && strcmp(in, "cookie") != 0))
            oa_problem(c, s, p,
                       "an apiKey scheme needs \"name\" and \"in\" (header, query or "
                       "cookie)");
        cr->name = oa_strdup(c, name);
    } else if (type && strcmp(type, "http") == 0) {
        const char *sch = oa_string(c, s, p, "scheme");
        if (sch && strcasecmp(sch, "bearer") == 0) {
            cr->kind = CF_API_CRED_BEARER;
            cr->prefix = "Bearer ";
        } else if (sch && strcasecmp(sch, "basic") == 0) {
            cr->kind = CF_API_CRED_BASIC;
            cr->prefix = "Basic ";
        } else {
            oa_problem(c, s, p,
                       "http auth scheme \"%.40s\" is not supported (bearer and basic "
                       "are)",
                       sch ? sch : "(none)");
        }
    } else if (type && (strcmp(type, "oauth2") == 0 || strcmp(type, "openIdConnect") == 0)) {
        /* The flows are not run: a token obtained elsewhere is sent as a bearer token. */
        cr->kind = CF_API_CRED_BEARER;
        cr->prefix = "Bearer ";
    } else {
        oa_problem(c, s, p,
                   "security scheme type \"%.40s\" is not supported (apiKey, http, "
                   "oauth2 and openIdConnect are)",
                   type ? type : "(none)");
    }
}

static void credentials(oa_ctx *c)
{
    const cJSON *comp = oa_object(c, c->root, "", "components");
    const cJSON *schemes = oa_object(c, comp, "/components", "securitySchemes");
    size_t n = (size_t)cJSON_GetArraySize(schemes);
    cf_api *api = c->api;
    if (!n)
        return;
    if (!(api->credentials = cf_api_alloc(api, n * sizeof *api->credentials))) {
        oa_problem(c, NULL, "", "out of memory");
        return;
    }
    for (const cJSON *s = schemes->child; s; s = s->next) {
        char p[CF_PATH_MAX], where[CF_PATH_MAX];
        cf_diag_path_key(p, sizeof p, "/components/securitySchemes", s->string);
        const cJSON *d = oa_deref(c, s, p, where);
        if (!d)
            continue;
        cf_api_credential *cr = &api->credentials[api->credential_count++];
        cr->id = oa_strdup(c, s->string);
        scheme(c, d, where, cr);
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(d, "x-conform");
        const cJSON *callers = cJSON_GetObjectItemCaseSensitive(x, "callers");
        static const char *const keys[] = {"callers", NULL};
        char xp[CF_PATH_MAX];
        oa_check_keys(c, x, cf_diag_path_key(xp, sizeof xp, where, "x-conform"), keys);
        size_t cn = (size_t)cJSON_GetArraySize(callers);
        if (cn) {
            if (!(cr->callers = cf_api_alloc(api, cn * sizeof *cr->callers))) {
                oa_problem(c, NULL, "", "out of memory");
                return;
            }
            for (const cJSON *k = callers->child; k; k = k->next)
                if (cJSON_IsString(k))
                    cr->callers[cr->caller_count++] = oa_strdup(c, k->valuestring);
        } else if ((cr->callers = cf_api_alloc(api, sizeof *cr->callers)) &&
                   (cr->callers[0] = caller_var(c, s->string))) {
            cr->caller_count = 1;
            cr->inferred = 1;
        }
    }
}

/* A security requirement list (root or operation) into alternatives. */
cf_api_security *oa_security(oa_ctx *c, const cJSON *list, const char *pointer, size_t *count)
{
    *count = 0;
    size_t n = (size_t)cJSON_GetArraySize(list);
    if (!n)
        return NULL;
    cf_api_security *alts = cf_api_alloc(c->api, n * sizeof *alts);
    if (!alts) {
        oa_problem(c, NULL, "", "out of memory");
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *req = list->child; req; req = req->next, i++) {
        char p[CF_PATH_MAX];
        cf_diag_path_index(p, sizeof p, pointer, i);
        if (!cJSON_IsObject(req)) {
            oa_problem(c, req, p, "a security requirement must be an object");
            continue;
        }
        cf_api_security *s = &alts[*count];
        size_t m = (size_t)cJSON_GetArraySize(req);
        if (m && !(s->all = cf_api_alloc(c->api, m * sizeof *s->all)))
            return NULL;
        for (const cJSON *k = req->child; k; k = k->next) {
            const cf_api_credential *cr = cf_api_credential_find(c->api, k->string);
            if (!cr) {
                char kp[CF_PATH_MAX];
                oa_problem(c, k, cf_diag_path_key(kp, sizeof kp, p, k->string),
                           "security scheme \"%.80s\" is not in components/securitySchemes",
                           k->string);
                continue;
            }
            s->all[s->count++] = cr;
        }
        ++*count;
    }
    return alts;
}

static void info(oa_ctx *c)
{
    const cJSON *info = oa_object(c, c->root, "", "info");
    c->api->title = oa_strdup(c, oa_string(c, info, "/info", "title"));
    c->api->version = oa_strdup(c, oa_string(c, info, "/info", "version"));
}

cf_rc cf_openapi_load_mem(const char *file, const char *buf, size_t len, cf_api **out,
                          cf_diags *diags)
{
    *out = NULL;
    if (len > CF_MAX_CONTRACT_FILE) {
        cf_diags_add(diags, file, "", "the file is larger than %u bytes, the limit for a contract",
                     CF_MAX_CONTRACT_FILE);
        return CF_E_TOO_LARGE;
    }
    oa_ctx c = {0};
    c.diags = diags;
    c.api = cf_api_new(CF_API_FROM_OPENAPI_30, file);
    if (!c.api)
        return CF_E_NOMEM;
    /* Problems with sibling files still leave a root to check: report all at once. */
    cf_rc rc = oa_doc_load(&c, file, buf, len);
    if (rc != CF_OK && (rc != CF_E_INVALID || !c.root))
        goto out;
    c.api->document = c.root;
    c.api->schema_options.document = c.root;
    if (!version(&c)) {
        rc = CF_E_INVALID;
        goto out;
    }
    oa_doc_check_refs(&c);
    info(&c);
    servers(&c);
    oa_conform_vars(&c);
    credentials(&c);
    c.api->security =
        oa_security(&c, oa_array(&c, c.root, "", "security"), "/security", &c.api->security_count);
    oa_conform_api(&c);
    oa_operations(&c);
    oa_infer(&c);
    rc = c.problems ? CF_E_INVALID : CF_OK;
out:
    oa_doc_cleanup(&c);
    if (rc != CF_OK) {
        if (rc != CF_E_INVALID && rc != CF_E_TOO_LARGE && !cf_diags_total(diags))
            cf_diags_add(diags, file, "", "%s", cf_strerror(rc));
        cf_api_free(c.api);
        return rc == CF_E_NOMEM ? rc : (rc == CF_E_TOO_LARGE ? rc : CF_E_INVALID);
    }
    *out = c.api;
    return CF_OK;
}

cf_rc cf_openapi_load_file(const char *path, cf_api **out, cf_diags *diags)
{
    /* Any content: a file that is not OpenAPI is refused by the version check. */
    cf_rc rc = cf_api_load_file(path, out, diags);
    if (rc == CF_E_NOT_FOUND) {
        cf_diags_add(diags, path, "", "no \"openapi\" member at the top: not an OpenAPI document");
        rc = CF_E_INVALID;
    }
    return rc;
}

/* Skips blanks, comments and a YAML document marker. */
static size_t skip(const char *buf, size_t len, size_t i)
{
    for (;;) {
        while (i < len && isspace((unsigned char)buf[i]))
            i++;
        if (i < len && buf[i] == '#') {
            while (i < len && buf[i] != '\n')
                i++;
        } else if (len - i >= 3 && memcmp(buf + i, "---", 3) == 0) {
            i += 3;
        } else {
            return i;
        }
    }
}

/* 1 when `key` (a JSON string's contents at buf[i..)) is "openapi" or "swagger". */
static int top_key(const char *buf, size_t len, size_t i)
{
    static const char *const keys[] = {"openapi", "swagger"};
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        if (len - i > kl && memcmp(buf + i, keys[k], kl) == 0 && buf[i + kl] == '"')
            return 1;
    }
    return 0;
}

int cf_openapi_sniff(const char *buf, size_t len)
{
    /* A member "openapi" or "swagger" of the top-level object, wherever it is (generators
     * that sort keys put it after "components"): JSON is scanned with strings skipped and
     * depth kept; YAML keys are those at column 0. Linear, no allocation. */
    size_t i = skip(buf, len, 0);
    if (i < len && buf[i] == '{') {
        int depth = 0;
        for (; i < len; i++) {
            char ch = buf[i];
            if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                depth--;
            } else if (ch == '"') {
                int wanted = depth == 1 && top_key(buf, len, i + 1);
                for (i++; i < len && buf[i] != '"'; i++)
                    if (buf[i] == '\\')
                        i++;
                /* a key, not a value: a ':' follows */
                size_t j = i + 1;
                while (j < len &&
                       (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n'))
                    j++;
                if (wanted && j < len && buf[j] == ':')
                    return 1;
            }
        }
        return 0;
    }
    for (size_t at = i; at < len; at++) {
        if (at != i && buf[at - 1] != '\n')
            continue;
        size_t q = at + (buf[at] == '"' || buf[at] == '\''); /* a quoted key */
        static const char *const keys[] = {"openapi", "swagger"};
        for (size_t k = 0; k < 2; k++) {
            size_t kl = strlen(keys[k]);
            if (len - q > kl && memcmp(buf + q, keys[k], kl) == 0 && buf[q + kl] &&
                strchr(":\"' ", buf[q + kl]))
                return 1;
        }
    }
    return 0;
}
