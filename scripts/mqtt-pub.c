/*
 * A libmosquitto publisher for scripts/benchmark.sh: one MQTT 5 connection per key, all driven by one thread with
 * epoll(7), so the load generator costs little CPU beside Vigil. The key is a device (one connection per device, each
 * logged in as its device, PROTOCOL v1.1 §1a) or a connection number (a few connections sharing one login).
 *
 *   mqtt-pub HOST PORT RATE SENT_OUT < lines
 *
 * Each input line is "key<TAB>username<TAB>password<TAB>payload" in publish order (an empty username: anonymous).
 * Message i is published at start + i / RATE s (RATE 0: as fast as each connection's 20 in-flight messages allow),
 * QoS 1, to iot/logs. When every PUBACK is in, SENT_OUT gets one line per message: the wall-clock ms it was published
 * at. Exit 1 on any refused connection or publish. libmosquitto 2.0's functions are declared here, so only the
 * runtime library (Debian's libmosquitto1, beside mosquitto) is needed:
 *   gcc -O2 -o mqtt-pub mqtt-pub.c -l:libmosquitto.so.1
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mosquitto;
int mosquitto_lib_init(void);
struct mosquitto *mosquitto_new(const char *id, bool clean_session, void *obj);
int mosquitto_int_option(struct mosquitto *mosq, int option, int value);
int mosquitto_username_pw_set(struct mosquitto *mosq, const char *username, const char *password);
int mosquitto_connect_bind_v5(struct mosquitto *mosq, const char *host, int port, int keepalive, const char *bind,
                              const void *properties);
void mosquitto_connect_v5_callback_set(struct mosquitto *mosq,
                                       void (*cb)(struct mosquitto *, void *, int, int, const void *));
void mosquitto_publish_v5_callback_set(struct mosquitto *mosq,
                                       void (*cb)(struct mosquitto *, void *, int, int, const void *));
int mosquitto_publish_v5(struct mosquitto *mosq, int *mid, const char *topic, int len, const void *payload, int qos,
                         bool retain, const void *properties);
int mosquitto_socket(struct mosquitto *mosq);
int mosquitto_loop_read(struct mosquitto *mosq, int max_packets);
int mosquitto_loop_write(struct mosquitto *mosq, int max_packets);
int mosquitto_loop_misc(struct mosquitto *mosq);
bool mosquitto_want_write(struct mosquitto *mosq);
int mosquitto_disconnect(struct mosquitto *mosq);
#define MOSQ_OPT_PROTOCOL_VERSION 1
#define MQTT_PROTOCOL_V5 5
#define INFLIGHT 20

struct conn {
    struct mosquitto *mosq;
    char *device;
    int connected; /* 0 waiting, 1 accepted, -1 refused */
    int inflight;
};

static long pending, failed;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double mono_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *m, void *obj, int rc, int flags, const void *props) {
    struct conn *c = obj;
    c->connected = rc == 0 ? 1 : -1;
    if (rc != 0) fprintf(stderr, "mqtt-pub: CONNECT of %s refused (reason %d)\n", c->device, rc);
}

static void on_publish(struct mosquitto *m, void *obj, int mid, int rc, const void *props) {
    struct conn *c = obj;
    c->inflight--;
    pending--;
    if (rc != 0 && failed++ < 5) fprintf(stderr, "mqtt-pub: a publish of %s was refused (reason %d)\n", c->device, rc);
}

static int epfd;

/* Reads what arrived (CONNACKs, PUBACKs) on ready connections; a publish is written as it is made. */
static void pump(struct conn *conns, int n, int timeout_ms) {
    struct epoll_event events[256];
    int ready = epoll_wait(epfd, events, 256, timeout_ms);
    for (int k = 0; k < ready; k++) {
        struct conn *c = &conns[events[k].data.u32];
        if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) mosquitto_loop_read(c->mosq, 64);
        if (mosquitto_want_write(c->mosq)) mosquitto_loop_write(c->mosq, 64);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: mqtt-pub HOST PORT RATE SENT_OUT < key<TAB>username<TAB>password<TAB>payload lines\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double rate = atof(argv[3]);
    size_t cap = 1 << 16, count = 0;
    char **payloads = malloc(cap * sizeof *payloads);
    int *owner = malloc(cap * sizeof *owner);
    struct conn *conns = calloc(100000, sizeof *conns);
    int nconn = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    mosquitto_lib_init();
    while ((len = getline(&line, &linecap, stdin)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        char *user = strchr(line, '\t'), *pw = user ? strchr(user + 1, '\t') : NULL;
        char *payload = pw ? strchr(pw + 1, '\t') : NULL;
        if (!payload) continue;
        *user++ = 0;
        *pw++ = 0;
        *payload++ = 0;
        int c = -1;
        for (int k = nconn - 1; k >= 0; k--) {
            if (strcmp(conns[k].device, line) == 0) { c = k; break; }
        }
        if (c < 0) {
            c = nconn++;
            conns[c].device = strdup(line);
            conns[c].mosq = mosquitto_new(NULL, true, &conns[c]);
            mosquitto_int_option(conns[c].mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
            if (*user) mosquitto_username_pw_set(conns[c].mosq, user, pw);
            mosquitto_connect_v5_callback_set(conns[c].mosq, on_connect);
            mosquitto_publish_v5_callback_set(conns[c].mosq, on_publish);
        }
        if (count == cap) {
            cap *= 2;
            payloads = realloc(payloads, cap * sizeof *payloads);
            owner = realloc(owner, cap * sizeof *owner);
        }
        payloads[count] = strdup(payload);
        owner[count++] = c;
    }
    epfd = epoll_create1(0);
    for (int i = 0; i < nconn; i++) {
        if (mosquitto_connect_bind_v5(conns[i].mosq, host, port, 60, NULL, NULL) != 0) {
            fprintf(stderr, "mqtt-pub: cannot connect %s to %s:%d\n", conns[i].device, host, port);
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(epfd, EPOLL_CTL_ADD, mosquitto_socket(conns[i].mosq), &ev);
        mosquitto_loop_write(conns[i].mosq, 1); /* the CONNECT */
    }
    for (int waiting = nconn; waiting > 0;) {
        pump(conns, nconn, 100);
        waiting = 0;
        for (int i = 0; i < nconn; i++) {
            if (conns[i].connected < 0) return 1;
            waiting += conns[i].connected == 0;
        }
    }
    double *sent = malloc(count * sizeof *sent);
    double start = mono_s();
    size_t next = 0;
    double misc = start;
    while (next < count || pending > 0) {
        while (next < count) {
            struct conn *c = &conns[owner[next]];
            if (rate > 0 && mono_s() < start + next / rate) break;
            if (c->inflight >= INFLIGHT) break;
            int mid;
            sent[next] = now_ms();
            if (mosquitto_publish_v5(c->mosq, &mid, "iot/logs", strlen(payloads[next]), payloads[next], 1, false, NULL)) {
                fprintf(stderr, "mqtt-pub: publish %zu failed\n", next);
                return 1;
            }
            c->inflight++;
            pending++;
            next++;
            if (mosquitto_want_write(c->mosq)) mosquitto_loop_write(c->mosq, 1);
        }
        int wait = 10;
        if (rate > 0 && next < count) {
            double due = (start + next / rate - mono_s()) * 1e3;
            wait = due <= 0 ? 0 : due > 10 ? 10 : (int) due + 1;
        }
        pump(conns, nconn, wait);
        if (mono_s() - misc > 1) {
            misc = mono_s();
            for (int i = 0; i < nconn; i++) mosquitto_loop_misc(conns[i].mosq);
        }
    }
    FILE *out = fopen(argv[4], "w");
    for (size_t i = 0; i < count; i++) fprintf(out, "%.0f\n", sent[i]);
    fclose(out);
    for (int i = 0; i < nconn; i++) mosquitto_disconnect(conns[i].mosq);
    for (int i = 0; i < 10; i++) pump(conns, nconn, 10);
    return failed > 0;
}
