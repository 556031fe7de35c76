/* api_load.c - loading any contract into a cf_api: the format is judged from the content. */
#include "contract/api.h"

#include "base/buf.h"
#include "base/file.h"
#include "base/limits.h"
#include "contract/aws.h"
#include "contract/openapi.h"

int cf_api_sniff(const char *buf, size_t len)
{
    return cf_openapi_sniff(buf, len) || cf_aws_sniff(buf, len);
}

cf_rc cf_api_load_file(const char *path, cf_api **out, cf_diags *diags)
{
    *out = NULL;
    cf_buf b;
    char err[256];
    cf_rc rc = cf_file_read(path, CF_MAX_CONTRACT_FILE, &b, err, sizeof err);
    if (rc != CF_OK) {
        cf_diags_add(diags, path, "", "%s%s", err,
                     rc == CF_E_TOO_LARGE ? ", the limit for a contract" : "");
        return rc;
    }
    if (cf_openapi_sniff(cf_buf_str(&b), b.len))
        rc = cf_openapi_load_mem(path, cf_buf_str(&b), b.len, out, diags);
    else if (cf_aws_sniff(cf_buf_str(&b), b.len))
        rc = cf_aws_load_mem(path, cf_buf_str(&b), b.len, out, diags);
    else
        rc = CF_E_NOT_FOUND;
    cf_buf_free(&b);
    return rc;
}
