/* proxy.c - what `conform run` knows about its --proxy: the schemes it takes and whether the
 * proxy itself answers. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cli/cli.h"

int cf_cli_proxy_scheme_ok(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

int cf_cli_proxy_refuses(const char *proxy, char *why, size_t n)
{
    /* Connect to the proxy itself, as a plain TCP connection: when that fails, the target was
     * never tried, and the report must say so rather than blame the target. */
    CURL *e = curl_easy_init();
    if (!e)
        return 0;
    char buf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(e, CURLOPT_URL, proxy);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e, CURLOPT_PROXY, ""); /* no proxy to reach the proxy, whatever the env */
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, buf);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L); /* only the TCP connection matters here */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_cleanup(e);
    int refused = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                  rc == CURLE_OPERATION_TIMEDOUT;
    if (refused && why && n)
        snprintf(why, n, "%s", buf[0] ? buf : curl_easy_strerror(rc));
    return refused;
}

void cf_cli_proxy_display(const char *proxy, char *out, size_t n)
{
    /* user:password@ becomes <redacted>@: a proxy credential is a credential. */
    const char *host = strstr(proxy, "://");
    host = host ? host + 3 : proxy;
    const char *at = strchr(host, '@'), *slash = strchr(host, '/');
    if (!at || (slash && slash < at))
        snprintf(out, n, "%s", proxy);
    else
        snprintf(out, n, "%.*s<redacted>%s", (int)(host - proxy), proxy, at);
}
