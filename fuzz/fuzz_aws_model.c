/* fuzz_aws_model.c - libFuzzer target: AWS model bytes (Smithy JSON AST or botocore service-2,
 * selected by the first byte) and optionally an overlay -> cf_aws_load, as `conform lint` loads
 * a model. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "contract/aws.h"

/* First byte: bit 0 picks the format (0 Smithy, 1 botocore), forced by adding what the detector
 * looks for when it is missing, so that mutations reach the readers; bit 1: the bytes after the
 * first NUL are an overlay applied over the model. */
static cJSON *parse(const uint8_t *data, size_t size)
{
    cJSON *doc = NULL;
    if (cf_json_parse((const char *)data, size, CF_MAX_JSON_DEPTH, &doc, NULL) != CF_OK)
        return NULL;
    return doc;
}

static void force_format(cJSON *doc, int botocore)
{
    if (!cJSON_IsObject(doc))
        return;
    if (!botocore) {
        if (!cJSON_GetObjectItemCaseSensitive(doc, "smithy"))
            cJSON_AddStringToObject(doc, "smithy", "2.0");
        return;
    }
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (!meta)
        meta = cJSON_AddObjectToObject(doc, "metadata");
    if (cJSON_IsObject(meta) && !cJSON_GetObjectItemCaseSensitive(meta, "protocol"))
        cJSON_AddStringToObject(meta, "protocol", "rest-json");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > CF_MAX_CONTRACT_FILE)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    size_t model_len = size;
    const uint8_t *nul = (mode & 2) ? memchr(data, 0, size) : NULL;
    if (nul)
        model_len = (size_t)(nul - data);
    cJSON *model = parse(data, model_len);
    cJSON *overlay = nul ? parse(nul + 1, size - model_len - 1) : NULL;
    force_format(model, mode & 1);
    cf_diags diags;
    cf_diags_init(&diags);
    cf_api *api = NULL;
    cf_rc rc = cf_aws_load("fuzz.json", model, "fuzz.overlay.json", overlay, &api, &diags);
    /* The loader's contract: an api exactly when it succeeds, a reason whenever it refuses, and
     * every reason names its file. */
    if ((rc == CF_OK) != (api != NULL))
        abort();
    if (rc == CF_E_INVALID && cf_diags_total(&diags) == 0)
        abort();
    for (size_t i = 0; i < diags.count; i++)
        if (!diags.items[i].file || !diags.items[i].path || !diags.items[i].message)
            abort();
    for (size_t i = 0; api && i < api->operation_count; i++)
        if (!api->operations[i].path || api->operations[i].path[0] != '/')
            abort();
    cf_api_free(api);
    cf_diags_cleanup(&diags);
    cJSON_Delete(model);
    cJSON_Delete(overlay);
    return 0;
}
