//! Sessions against scripted servers on 127.0.0.1.
