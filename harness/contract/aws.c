/* aws.c - the entry to AWS models: detecting Smithy or botocore, reading the file and the
 * overlay beside it, and running reader, builder and overlay in order. */
#include "contract/aws.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "contract/aws_common.h"
#include "contract/overlay.h"

int cf_aws_detect(const cJSON *doc)
{
    if (!cJSON_IsObject(doc))
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(doc, "smithy") &&
        cJSON_GetObjectItemCaseSensitive(doc, "shapes"))
        return CF_API_FROM_SMITHY;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (cJSON_IsObject(meta) && (cJSON_GetObjectItemCaseSensitive(meta, "protocol") ||
                                 cJSON_GetObjectItemCaseSensitive(meta, "protocols")))
        return CF_API_FROM_BOTOCORE;
    return -1;
}

cf_rc cf_aws_load(const char *file, const cJSON *doc, const char *overlay_file,
                  const cJSON *overlay, cf_api **out, cf_diags *diags)
{
    *out = NULL;
    int kind = cf_aws_detect(doc);
    if (kind < 0)
        return CF_E_NOT_FOUND;
    aws_model m;
    aws_model_init(&m, file, diags);
    cf_api *api = cf_api_new((cf_api_source)kind, file);
    cf_rc rc = api ? CF_OK : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = kind == CF_API_FROM_SMITHY ? cf_aws_smithy_read(&m, doc)
                                        : cf_aws_botocore_read(&m, doc);
    if (rc == CF_OK)
        rc = cf_aws_build(&m, api);
    if (rc == CF_OK && overlay)
        rc = cf_overlay_apply(api, overlay_file, overlay, diags);
    if (rc == CF_E_NOMEM && diags && cf_diags_total(diags) == 0)
        cf_diags_add(diags, file, "", "out of memory");
    aws_model_cleanup(&m);
    if (rc != CF_OK) {
        cf_api_free(api);
        return rc;
    }
    *out = api;
    return CF_OK;
}

/* Parses JSON bytes of `path`, bounded; problems recorded. */
static cf_rc parse_json(const char *path, const char *buf, size_t len, cJSON **out, cf_diags *diags)
{
    size_t at = 0;
    cf_rc rc = cf_json_parse(buf, len, CF_MAX_JSON_DEPTH, out, &at);
    if (rc != CF_OK)
        cf_diags_add(diags, path, "", "not JSON (%s at byte %zu)", cf_strerror(rc), at);
    return rc == CF_OK ? CF_OK : CF_E_INVALID;
}

/* Reads and parses a JSON file, bounded; problems recorded. */
static cf_rc read_json(const char *path, cJSON **out, cf_diags *diags)
{
    *out = NULL;
    cf_buf buf;
    char err[256];
    cf_rc rc = cf_file_read(path, CF_MAX_CONTRACT_FILE, &buf, err, sizeof(err));
    if (rc != CF_OK)
        cf_diags_add(diags, path, "", "%s", err);
    else
        rc = parse_json(path, cf_buf_str(&buf), buf.len, out, diags);
    cf_buf_free(&buf);
    return rc;
}

/* The folder part of path with its '/', or "./"; caller frees; NULL when out of memory. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? cf_strndup(path, (size_t)(slash - path + 1)) : cf_strdup("./");
}

/* The overlay beside `path`: the first "*.overlay.json" in its folder (by name order) whose
 * "models" names the model's file name. *found NULL when none. */
static cf_rc find_overlay(const char *path, char **found, cf_diags *diags)
{
    *found = NULL;
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char *dir = folder_of(path);
    if (!dir)
        return CF_E_NOMEM;
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    cf_rc rc = CF_OK;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(list[i]->d_name);
        const char *suffix = ".overlay.json";
        if (!*found && rc == CF_OK && len > strlen(suffix) &&
            strcmp(list[i]->d_name + len - strlen(suffix), suffix) == 0) {
            cf_buf p;
            cf_buf_init(&p, CF_PATH_MAX * 4);
            cJSON *doc = NULL;
            if (cf_buf_addf(&p, "%s%s", dir, list[i]->d_name) != CF_OK)
                rc = CF_E_NOMEM;
            else if ((rc = read_json(cf_buf_str(&p), &doc, diags)) == CF_OK &&
                     cf_overlay_names_model(doc, name))
                *found = cf_buf_take(&p);
            cJSON_Delete(doc);
            cf_buf_free(&p);
        }
        free(list[i]);
    }
    free(list);
    free(dir);
    return rc;
}

/* Loads a parsed model with the overlay at overlay_path, or the one found beside path. */
static cf_rc load_doc(const char *path, const cJSON *doc, const char *overlay_path, cf_api **out,
                      cf_diags *diags)
{
    cJSON *overlay = NULL;
    char *found = NULL;
    cf_rc rc = cf_aws_detect(doc) < 0 ? CF_E_NOT_FOUND : CF_OK;
    if (rc == CF_OK && !overlay_path && (rc = find_overlay(path, &found, diags)) == CF_OK)
        overlay_path = found;
    if (rc == CF_OK && overlay_path)
        rc = read_json(overlay_path, &overlay, diags);
    if (rc == CF_OK)
        rc = cf_aws_load(path, doc, overlay_path, overlay, out, diags);
    cJSON_Delete(overlay);
    free(found);
    return rc;
}

cf_rc cf_aws_load_mem(const char *path, const char *buf, size_t len, cf_api **out, cf_diags *diags)
{
    *out = NULL;
    cJSON *doc = NULL;
    cf_rc rc = parse_json(path, buf, len, &doc, diags);
    if (rc == CF_OK)
        rc = load_doc(path, doc, NULL, out, diags);
    cJSON_Delete(doc);
    return rc;
}

cf_rc cf_aws_load_file(const char *path, const char *overlay_path, cf_api **out, cf_diags *diags)
{
    *out = NULL;
    cJSON *doc = NULL;
    cf_rc rc = read_json(path, &doc, diags);
    if (rc == CF_OK)
        rc = load_doc(path, doc, overlay_path, out, diags);
    cJSON_Delete(doc);
    return rc;
}

/* Keys the sniffer looks for: at the top level, and inside "metadata". */
enum { K_SMITHY = 1, K_SHAPES = 2, K_METADATA = 4, K_PROTOCOL = 8, K_OVERLAY = 16, K_MODELS = 32 };

static unsigned key_bit(const char *k, size_t n, int depth, int in_metadata)
{
    static const struct {
        const char *name;
        unsigned bit;
        int depth;
    } keys[] = {{"smithy", K_SMITHY, 1},     {"shapes", K_SHAPES, 1}, {"metadata", K_METADATA, 1},
                {"overlay", K_OVERLAY, 1},   {"models", K_MODELS, 1}, {"protocol", K_PROTOCOL, 2},
                {"protocols", K_PROTOCOL, 2}};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (keys[i].depth == depth && (depth == 1 || in_metadata) && strlen(keys[i].name) == n &&
            memcmp(keys[i].name, k, n) == 0)
            return keys[i].bit;
    return 0;
}

/* The keys of a JSON object's top level (and of its "metadata" member) that the AWS formats
 * and overlays are known by: a linear scan with strings skipped, no parse, no allocation. */
static unsigned sniff_keys(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i >= len || buf[i] != '{')
        return 0;
    unsigned seen = 0;
    int depth = 0, in_metadata = 0;
    for (; i < len; i++) {
        char ch = buf[i];
        if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            in_metadata = --depth > 1 && in_metadata;
        if (ch != '"')
            continue;
        size_t start = ++i;
        while (i < len && buf[i] != '"')
            i += buf[i] == '\\' ? 2 : 1;
        size_t j = i + 1;
        while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n'))
            j++;
        if (i >= len || j >= len || buf[j] != ':')
            continue; /* a value, not a key */
        unsigned bit = key_bit(buf + start, i - start, depth, in_metadata);
        seen |= bit;
        if (depth == 1)
            in_metadata = bit == K_METADATA;
    }
    return seen;
}

int cf_aws_sniff(const char *buf, size_t len)
{
    unsigned k = sniff_keys(buf, len);
    return (k & (K_SMITHY | K_SHAPES)) == (K_SMITHY | K_SHAPES) ||
           (k & (K_METADATA | K_PROTOCOL)) == (K_METADATA | K_PROTOCOL);
}

cf_aws_file_kind cf_aws_file_kind_of(const char *path)
{
    cf_buf buf;
    char err[256];
    cf_aws_file_kind kind = CF_AWS_FILE_OTHER;
    if (cf_file_read(path, CF_MAX_CONTRACT_FILE, &buf, err, sizeof(err)) == CF_OK) {
        unsigned k = sniff_keys(cf_buf_str(&buf), buf.len);
        if (cf_aws_sniff(cf_buf_str(&buf), buf.len))
            kind = CF_AWS_FILE_MODEL;
        else if ((k & (K_OVERLAY | K_MODELS)) == (K_OVERLAY | K_MODELS))
            kind = CF_AWS_FILE_OVERLAY;
    }
    cf_buf_free(&buf);
    return kind;
}

cf_rc cf_aws_lint_overlay(const char *path, size_t *models, cf_diags *diags)
{
    *models = 0;
    cJSON *overlay = NULL;
    char *dir = folder_of(path);
    cf_rc rc = dir ? read_json(path, &overlay, diags) : CF_E_NOMEM;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(overlay, "models");
    if (rc == CF_OK && !cJSON_IsArray(list)) {
        cf_diags_add(diags, path, "/models", "expected a list of the model files it applies to");
        rc = CF_E_INVALID;
    }
    for (const cJSON *m = rc == CF_OK ? list->child : NULL; m; m = m->next) {
        cf_buf p;
        cf_buf_init(&p, CF_PATH_MAX * 4);
        cf_api *api = NULL;
        cf_rc one = cJSON_IsString(m) && !strchr(m->valuestring, '/') &&
                            cf_buf_addf(&p, "%s%s", dir, m->valuestring) == CF_OK
                        ? cf_aws_load_file(cf_buf_str(&p), path, &api, diags)
                        : CF_E_INVALID;
        if (one == CF_E_INVALID && !(cJSON_IsString(m) && !strchr(m->valuestring, '/')))
            cf_diags_add(diags, path, "/models", "each entry must be a file name in this folder");
        *models += one == CF_OK;
        rc = rc == CF_OK ? one : rc;
        cf_api_free(api);
        cf_buf_free(&p);
    }
    cJSON_Delete(overlay);
    free(dir);
    return rc;
}

cf_rc cf_aws_load_overlay(const char *path, cf_api **out, cf_diags *diags)
{
    *out = NULL;
    cJSON *overlay = NULL;
    char *dir = folder_of(path);
    cf_rc rc = dir ? read_json(path, &overlay, diags) : CF_E_NOMEM;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(overlay, "models");
    const cJSON *first = cJSON_IsArray(list) ? list->child : NULL;
    if (rc == CF_OK &&
        !(cJSON_IsString(first) && first->valuestring[0] && !strchr(first->valuestring, '/'))) {
        cf_diags_add(diags, path, "/models",
                     "expected a list of model file names in this folder, the first to load");
        rc = CF_E_INVALID;
    }
    cf_buf p;
    cf_buf_init(&p, CF_PATH_MAX * 4);
    if (rc == CF_OK)
        rc = cf_buf_addf(&p, "%s%s", dir, first->valuestring);
    if (rc == CF_OK)
        rc = cf_aws_load_file(cf_buf_str(&p), path, out, diags);
    cf_buf_free(&p);
    cJSON_Delete(overlay);
    free(dir);
    return rc;
}
