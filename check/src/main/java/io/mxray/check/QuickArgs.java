package io.mxray.check;

import java.lang.reflect.Field;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The everyday command line of a command — its own long options (read from the same
 * annotations picocli reads), their values and words — filled in without building picocli's
 * model, which costs a check about a third of its first second. Whatever this is not sure of
 * (help, a short option, an unknown or repeated option, {@code --}, an {@code @file}, a value
 * picocli might convert otherwise, an empty environment variable) it declines, and picocli reads
 * the command line as always. So either the fields hold what picocli would have put there, or
 * picocli is asked (and says what is wrong).
 */
final class QuickArgs {
    private static final Pattern DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^$}]*))?}");
    /** What {@code @Option(defaultValue)} is when none is given (picocli 4.7's annotation default). */
    private static final String NO_DEFAULT = "__no_default_value__";
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,8}");

    private QuickArgs() {
    }

    /**
     * One option's field and the object it belongs to (the command or one of its mixins);
     * {@code negated}: the {@code --no-} form of a negatable flag, which sets it false.
     */
    private record Binding(Object target, Field field, Option option, boolean negated) {
    }

    /**
     * Fills {@code command}'s fields (and its mixins') from {@code args} and the defaults.
     *
     * @param env the environment the defaults' {@code ${env:NAME}} refer to
     * @return false when picocli must read this command line; the command is then half-filled
     *         and must be thrown away
     */
    static boolean fill(Object command, List<String> args, UnaryOperator<String> env) {
        Map<String, Binding> options = new HashMap<>();
        List<Field> positional = new ArrayList<>();
        try {
            if (!collect(command, options, positional) || positional.size() != 1
                    || positional.get(0).getType() != List.class) {
                return false;
            }
            for (Binding b : new HashSet<>(options.values())) {
                if (!b.negated() && !applyDefault(b, env)) {
                    return false;
                }
            }
            Set<Field> given = new HashSet<>();
            List<String> words = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.startsWith("@")) {
                    return false; // picocli reads it as a file of arguments
                }
                if (!arg.startsWith("-") || arg.equals("-")) {
                    words.add(arg);
                    continue;
                }
                if (!arg.startsWith("--") || arg.equals("--")) {
                    return false;
                }
                int eq = arg.indexOf('=');
                Binding b = options.get(eq < 0 ? arg : arg.substring(0, eq));
                if (b == null || !given.add(b.field())) {
                    return false;
                }
                String value;
                if (b.field().getType() == boolean.class && !takesValue(b.option())) {
                    if (eq >= 0) {
                        return false;
                    }
                    value = b.negated() ? "false" : "true";
                } else if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    return false;
                }
                if (value.isEmpty() || value.startsWith("-") || value.startsWith("@") || !set(b, value)) {
                    return false;
                }
            }
            if (words.isEmpty()) {
                return false;
            }
            positional.get(0).set(command, words);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static boolean collect(Object target, Map<String, Binding> options, List<Field> positional)
            throws ReflectiveOperationException {
        for (Field f : target.getClass().getDeclaredFields()) {
            Option option = f.getAnnotation(Option.class);
            if (option != null) {
                f.setAccessible(true);
                Binding b = new Binding(target, f, option, false);
                for (String name : option.names()) {
                    if (!name.startsWith("--") || options.put(name, b) != null) {
                        return false;
                    }
                }
                if (option.negatable()) {
                    // a flag that is on unless its --no- form is given (picocli: the negated form sets false)
                    if (f.getType() != boolean.class || !option.arity().isEmpty()
                            || !"true".equals(option.fallbackValue())) {
                        return false;
                    }
                    for (String name : option.names()) {
                        if (options.put("--no-" + name.substring(2), new Binding(target, f, option, true)) != null) {
                            return false;
                        }
                    }
                }
                if (!option.arity().isEmpty() && !(f.getType() == boolean.class && takesValue(option))
                        || option.split().length() > 0) {
                    return false;
                }
            } else if (f.isAnnotationPresent(Mixin.class)) {
                f.setAccessible(true);
                Object mixin = f.get(target);
                if (mixin == null) {
                    mixin = f.getType().getDeclaredConstructor().newInstance();
                    f.set(target, mixin);
                }
                if (!collect(mixin, options, positional)) {
                    return false;
                }
            } else if (f.isAnnotationPresent(Parameters.class)) {
                f.setAccessible(true);
                positional.add(f);
            }
        }
        return true;
    }

    /** A boolean option written with its value ({@code --all-certificates false}): arity exactly 1. */
    private static boolean takesValue(Option option) {
        return "1".equals(option.arity());
    }

    /** {@code ${env:NAME}}, {@code ${env:NAME:-value}}, a plain value or none, as picocli reads them. */
    private static boolean applyDefault(Binding b, UnaryOperator<String> env) throws IllegalAccessException {
        String spec = b.option().defaultValue();
        if (spec.equals(NO_DEFAULT)) {
            return true; // the field keeps the value it was made with
        }
        if (spec.equals(Option.NULL_VALUE)) {
            return false;
        }
        String value;
        Matcher m = DEFAULT.matcher(spec);
        if (m.matches()) {
            value = env.apply(m.group(1));
            if (value != null && value.isEmpty()) {
                return false;
            }
            if (value == null) {
                value = m.group(2);
            }
        } else if (spec.contains("$")) {
            return false;
        } else {
            value = spec;
        }
        return value == null || set(b, value);
    }

    private static boolean set(Binding b, String value) throws IllegalAccessException {
        Field f = b.field();
        Class<?> type = f.getType();
        Object converted;
        try {
            if (type == String.class) {
                converted = value;
            } else if (type == int.class) {
                if (!DECIMAL.matcher(value).matches()) {
                    return false;
                }
                converted = Integer.parseInt(value);
            } else if (type == boolean.class) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    return false;
                }
                converted = Boolean.parseBoolean(value);
            } else if (type == Duration.class) {
                converted = Duration.parse(value);
            } else if (type == Path.class) {
                converted = Path.of(value);
            } else {
                return false;
            }
        } catch (DateTimeParseException | InvalidPathException | NumberFormatException e) {
            return false;
        }
        f.set(b.target(), converted);
        return true;
    }
}
