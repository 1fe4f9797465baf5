package io.warren.broker.exchange;

import java.util.Arrays;

/** Copy-on-write arrays of binding targets: readers never lock, writers replace the array. */
final class Targets {

  static final BindingTarget[] NONE = new BindingTarget[0];

  private Targets() {
  }

  static BindingTarget[] with(BindingTarget[] old, BindingTarget added) {
    if (old == null) {
      return new BindingTarget[] {added};
    }
    BindingTarget[] copy = Arrays.copyOf(old, old.length + 1);
    copy[old.length] = added;
    return copy;
  }

  /** Removes one occurrence; returns null when nothing is left (so maps drop the key). */
  static BindingTarget[] without(BindingTarget[] old, BindingTarget removed) {
    for (int i = 0; i < old.length; i++) {
      if (old[i] == removed) {
        if (old.length == 1) {
          return null;
        }
        BindingTarget[] copy = new BindingTarget[old.length - 1];
        System.arraycopy(old, 0, copy, 0, i);
        System.arraycopy(old, i + 1, copy, i, old.length - i - 1);
        return copy;
      }
    }
    return old;
  }
}
