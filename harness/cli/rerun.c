/* rerun.c - the flags that reproduce a run's outcome, for its rerun and curl lines. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/shell.h"
#include "cli/cli.h"

/* Appends `text` to the words so far, after a space unless it is the first. */
static cf_rc add(cf_buf *b, const char *text)
{
    cf_rc rc = b->len ? cf_buf_addc(b, ' ') : CF_OK;
    return rc == CF_OK ? cf_buf_adds(b, text) : rc;
}

/* Appends `flag` and `value` as one single-quoted word: nothing in it expands. */
static cf_rc word(cf_buf *b, const char *flag, const char *value)
{
    cf_rc rc = add(b, flag);
    if (rc == CF_OK)
        rc = cf_buf_addc(b, ' ');
    return rc == CF_OK ? cf_shell_quote(b, value, strlen(value)) : rc;
}

cf_rc cf_cli_rerun_flags(const char *target, const cf_transport_opts *t,
                         const cf_vars_sources *vars, const cf_api *api, cf_buf *run, cf_buf *curl)
{
    cf_transport_opts def;
    cf_transport_opts_init(&def);
    cf_rc rc = CF_OK;
    if (target && strcmp(target, "mock") != 0)
        rc = word(run, "--target", target);
    for (size_t i = 0; rc == CF_OK && i < api->var_count; i++) {
        const cf_api_var *v = &api->vars[i];
        const char *value = cf_cli_var_value(vars, v->name);
        if (!value)
            continue;
        cf_buf text;
        cf_buf_init(&text, CF_RERUN_MAX);
        if (!v->secret) {
            rc = cf_buf_addf(&text, "%s=%s", v->name, value);
            if (rc == CF_OK)
                rc = add(run, "--var ");
            if (rc == CF_OK)
                rc = cf_shell_quote(run, cf_buf_str(&text), text.len);
        } else {
            /* A secret stays a reference: the person rerunning has it in the environment. */
            rc = cf_buf_addf(&text, "--var \"%s=${CONFORM_VAR_", v->name);
            for (const char *p = v->name; rc == CF_OK && *p; p++)
                rc = cf_buf_addc(&text, (char)toupper((unsigned char)*p));
            if (rc == CF_OK)
                rc = cf_buf_adds(&text, "}\"");
            if (rc == CF_OK)
                rc = add(run, cf_buf_str(&text));
        }
        cf_buf_free(&text);
    }
    if (rc == CF_OK && t->proxy) {
        /* A proxy with user:password@ would put a credential on the line: the environment
         * carries it instead. */
        char shown[CF_ERR_MAX];
        cf_cli_proxy_display(t->proxy, shown, sizeof(shown));
        int hidden = strcmp(shown, t->proxy) != 0;
        rc = hidden ? add(run, "--proxy \"${CONFORM_PROXY}\"") : word(run, "--proxy", t->proxy);
        if (rc == CF_OK)
            rc = hidden ? add(curl, "-x \"${CONFORM_PROXY}\"") : word(curl, "-x", t->proxy);
    }
    if (rc == CF_OK && t->cacert) {
        rc = word(run, "--cacert", t->cacert);
        if (rc == CF_OK)
            rc = word(curl, "--cacert", t->cacert);
    }
    if (rc == CF_OK && t->insecure) {
        rc = add(run, "--insecure");
        if (rc == CF_OK)
            rc = add(curl, "-k");
    }
    char n[64];
    snprintf(n, sizeof(n), "--timeout %ld", t->timeout_ms);
    if (rc == CF_OK && t->timeout_ms != def.timeout_ms)
        rc = add(run, n);
    snprintf(n, sizeof(n), "--max-time %.3f", (double)t->timeout_ms / 1000.0);
    if (rc == CF_OK)
        rc = add(curl, n);
    snprintf(n, sizeof(n), "--max-body %zu", t->max_body);
    if (rc == CF_OK && t->max_body != def.max_body)
        rc = add(run, n);
    snprintf(n, sizeof(n), "--retries %u", t->retries);
    if (rc == CF_OK && t->retries != def.retries)
        rc = add(run, n);
    return rc;
}
