/* The module's version, reported in events and start-up lines. */
#ifndef TG_VERSION_H
#define TG_VERSION_H

#define TG_VERSION "0.1.0"

#endif
