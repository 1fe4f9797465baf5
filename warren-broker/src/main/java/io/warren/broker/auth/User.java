package io.warren.broker.auth;

import java.util.Set;

/** A broker user: name, salted password hash (never the password itself) and tags. */
public record User(String name, PasswordHash passwordHash, Set<String> tags) {

  public boolean checkPassword(String password) {
    return passwordHash.matches(password);
  }
}
