from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "legion.cases"

    def ready(self) -> None:
        from legion.audit.break_glass import break_glass_scope
        from legion.cases.lifecycle import on_case_event
        from legion.cases.notices import case_event_notify
        from legion.cases.policy import case_scope_extend
        from legion.missions.models import Role

        on_case_event(case_event_notify)
        # HQ security reaches a case it broke the glass for, while the grant lasts.
        case_scope_extend(role=Role.HQ_SECURITY, extension=break_glass_scope)
