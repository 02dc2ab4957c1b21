package dev.ferry.format.detect;

import dev.ferry.format.FormatInspector;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * The inspectors written in their own packages (qcow2, vmdk, vhd, vhdx). Loaded by name while
 * those packages are developed on other branches, so that this package compiles without them;
 * a missing class is simply not registered.
 */
final class StandardInspectors {
    private StandardInspectors() {
    }

    static final List<String> CLASS_NAMES = List.of("dev.ferry.format.qcow2.Qcow2Inspector", "dev.ferry.format.vmdk.VmdkInspector",
            "dev.ferry.format.vhd.VhdInspector", "dev.ferry.format.vhdx.VhdxInspector");

    static void addTo(List<FormatInspector> list) {
        for (String name : CLASS_NAMES) {
            try {
                Class<?> c = Class.forName(name, true, StandardInspectors.class.getClassLoader());
                list.add((FormatInspector) c.getConstructor().newInstance());
            } catch (ClassNotFoundException e) {
                // not merged into this build
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("cannot create " + name, e instanceof InvocationTargetException ite ? ite.getCause() : e);
            }
        }
    }
}
