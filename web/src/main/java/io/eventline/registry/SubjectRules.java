package io.eventline.registry;

import io.eventline.registry.client.CompatibilityLevel;
import java.util.Set;

/**
 * What the registry keeps beyond compatibility: subjects an application depends on, which stay registered and
 * backward compatible, and caps on subjects and versions, which bound the registry's memory.
 *
 * @param protectedSubjects     subjects that cannot be deleted nor left at a level without backward compatibility
 * @param maxSubjects           how many subjects the registry holds, soft-deleted ones included
 * @param maxVersionsPerSubject how many versions one subject holds, soft-deleted ones included
 */
record SubjectRules(Set<String> protectedSubjects, int maxSubjects, int maxVersionsPerSubject) {

    SubjectRules {
        protectedSubjects = Set.copyOf(protectedSubjects);
    }

    boolean isProtected(String subject) {
        return protectedSubjects.contains(subject);
    }

    /**
     * Whether a protected subject may be at {@code level}: only if readers of its newest schema can still read
     * every record written before, which is what consumers that upgrade their schema rely on.
     */
    static boolean keepsProtectedSubjectsReadable(CompatibilityLevel level) {
        return level.backward();
    }
}
