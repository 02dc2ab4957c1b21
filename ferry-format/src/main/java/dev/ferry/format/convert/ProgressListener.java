package dev.ferry.format.convert;

/** Told how far a conversion has come, in virtual bytes; called from the converting thread. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void progress(long done, long total);
}
