package io.handoff.gateway.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The directions the packages may depend on each other, bottom to top. A package may use the ones
 * below it, never one above: what a lower package needs from above is an interface (or an event) it
 * owns and the upper one implements (conversation.ConversationCloser, conversation.PushPolicy,
 * delivery.ConversationReceiver, api.ProblemAnswered, conversation.HandoffStarted).
 *
 * <pre>
 *   sandbox                                   the sandbox profile: may use anything
 *   ops                                       MBeans, meters, health: observe everything below
 *   jaicp  dialogflow                         the front doors (JAICP, Dialogflow): turn calls into intake / relay
 *                                             requests (none uses the other)
 *   intake   relay   delivery                 the bot API's flows (none uses another)
 *   provider.livechat  provider.livetex       the provider plug-ins (none uses another, nor api: they throw
 *                                             provider and files exceptions that api.ProblemResponder maps)
 *   conversation                              the store and the models that travel (switch, client message, events)
 *   routing                                   the destination table
 *   api                                       problem+json, answers, path parameters, strict JSON, compensations
 *   provider                                  the provider SPI: Provider, Providers, Availability, TokenCache, exceptions
 *   web  files  logging  (root)               servlet-level guards, safe file fetching, log escaping, HandoffProperties
 * </pre>
 */
@AnalyzeClasses(packages = "io.handoff.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "io.handoff.gateway";

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Config").definedBy(ROOT)
            .layer("Support").definedBy(ROOT + ".web..", ROOT + ".files..", ROOT + ".logging..")
            .layer("ProviderSpi").definedBy(ROOT + ".provider")
            .layer("Api").definedBy(ROOT + ".api..")
            .layer("Routing").definedBy(ROOT + ".routing..")
            .layer("Conversation").definedBy(ROOT + ".conversation..")
            .layer("Providers").definedBy(ROOT + ".provider.livechat..", ROOT + ".provider.livetex..")
            .layer("Intake").definedBy(ROOT + ".intake..")
            .layer("Relay").definedBy(ROOT + ".relay..")
            .layer("Delivery").definedBy(ROOT + ".delivery..")
            .layer("Jaicp").definedBy(ROOT + ".jaicp..")
            .layer("Dialogflow").definedBy(ROOT + ".dialogflow..")
            .layer("Ops").definedBy(ROOT + ".ops..")
            .layer("Sandbox").definedBy(ROOT + ".sandbox..")

            .whereLayer("Sandbox").mayNotBeAccessedByAnyLayer()
            .whereLayer("Ops").mayOnlyBeAccessedByLayers("Sandbox")
            .whereLayer("Jaicp").mayOnlyBeAccessedByLayers("Ops", "Sandbox")
            .whereLayer("Dialogflow").mayOnlyBeAccessedByLayers("Ops", "Sandbox")
            .whereLayer("Intake").mayOnlyBeAccessedByLayers("Jaicp", "Dialogflow", "Ops", "Sandbox")
            .whereLayer("Relay").mayOnlyBeAccessedByLayers("Jaicp", "Dialogflow", "Ops", "Sandbox")
            .whereLayer("Delivery").mayOnlyBeAccessedByLayers("Jaicp", "Dialogflow", "Ops", "Sandbox")
            .whereLayer("Providers").mayOnlyBeAccessedByLayers("Sandbox")
            .whereLayer("Conversation").mayOnlyBeAccessedByLayers("Providers", "Intake", "Relay", "Delivery", "Jaicp", "Dialogflow",
                    "Ops", "Sandbox")
            .whereLayer("Routing").mayOnlyBeAccessedByLayers("Conversation", "Providers", "Intake", "Relay", "Delivery",
                    "Jaicp", "Dialogflow", "Ops", "Sandbox")
            // the provider plug-ins throw provider (or files) exceptions, which the API layer maps: they never use it
            .whereLayer("Api").mayOnlyBeAccessedByLayers("Routing", "Conversation", "Intake", "Relay",
                    "Delivery", "Jaicp", "Dialogflow", "Ops", "Sandbox")
            .whereLayer("ProviderSpi").mayOnlyBeAccessedByLayers("Api", "Routing", "Conversation", "Providers", "Intake",
                    "Relay", "Delivery", "Jaicp", "Dialogflow", "Ops", "Sandbox")
            .whereLayer("Support").mayOnlyBeAccessedByLayers("Api", "Routing", "Conversation", "Providers", "Intake",
                    "Relay", "Delivery", "Jaicp", "Dialogflow", "Ops", "Sandbox", "ProviderSpi")
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Support", "ProviderSpi", "Api", "Routing", "Conversation",
                    "Providers", "Intake", "Relay", "Delivery", "Jaicp", "Dialogflow", "Ops", "Sandbox");

    /** A provider plug-in never reaches into another one. */
    @ArchTest
    static final ArchRule providersAreIndependent = slices().matching(ROOT + ".provider.(*)..")
            .should().notDependOnEachOther();

    /** The bot API's flows do not use each other; what they share is below them. */
    @ArchTest
    static final ArchRule flowsAreIndependent = slices().matching(ROOT + ".(intake|relay|delivery)..")
            .should().notDependOnEachOther();

    /** The front doors do not use each other. */
    @ArchTest
    static final ArchRule frontDoorsAreIndependent = slices().matching(ROOT + ".(jaicp|dialogflow)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule noCycles = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();   // each package a slice (provider apart from provider.livechat)
}
