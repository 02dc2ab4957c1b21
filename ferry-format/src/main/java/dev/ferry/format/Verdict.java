package dev.ferry.format;

/** Whether an image may be imported. */
public enum Verdict {
    ACCEPT,
    REJECT
}
