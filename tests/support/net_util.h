/* net_util.h - small things test servers and tests share: sleeping, the loopback address, a
 * plain TCP connection to it. */
#ifndef CF_TEST_NET_UTIL_H
#define CF_TEST_NET_UTIL_H

#include <netinet/in.h>

/* Sleeps `ms` milliseconds, resuming after signals. */
void cf_test_sleep_ms(unsigned ms);
/* 127.0.0.1:port. */
struct sockaddr_in cf_test_loopback(unsigned short port);
/* A connected TCP socket to 127.0.0.1:port; -1 when it cannot connect. The caller closes it. */
int cf_test_connect(unsigned short port);

#endif
