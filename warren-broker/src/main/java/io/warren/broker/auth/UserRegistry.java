package io.warren.broker.auth;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The broker's users, by name. Changed only through {@link io.warren.broker.BrokerDefinitions}. */
public final class UserRegistry {

  private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();

  public void add(User user) {
    users.put(user.name(), user);
  }

  public void addWithPassword(String name, String password, Set<String> tags) {
    add(new User(name, PasswordHash.of(password), Set.copyOf(tags)));
  }

  /** Removes the user; false if there was none. */
  public boolean delete(String name) {
    return users.remove(name) != null;
  }

  public Optional<User> find(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /** The user if the name exists and the password matches it. */
  public Optional<User> authenticate(String name, String password) {
    User u = users.get(name);
    return u != null && u.checkPassword(password) ? Optional.of(u) : Optional.empty();
  }

  public Collection<User> all() {
    return users.values();
  }
}
