"""Admin for users and API keys. Changes go through the services, so each one is audited.

API keys are issued with ``pishkhan keys_create`` (which shows the plaintext once); here they can
be read and revoked, and their secret is never editable.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.jurisdictions import role_jurisdiction_clean
from pishkhan.accounts.models import ApiKey, User
from pishkhan.accounts.permissions import Principal, principal_from_request
from pishkhan.accounts.services import apikey_revoke, user_create, user_password_set, user_update
from pishkhan.common.errors import ApplicationError, ValidationError

# What the change form may alter (through user_update); the rest is shown read-only.
_EDITABLE = (
    "email",
    "first_name",
    "last_name",
    "role",
    "jurisdiction_code",
    "is_active",
    "is_staff",
    "is_superuser",
)


class _RoleJurisdictionCheck:
    """Form mix-in: report a role/jurisdiction mismatch or an unknown code on the field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if "role" in cleaned:  # absent when the choice itself was refused
            try:
                _role, _kind, cleaned["jurisdiction_code"] = role_jurisdiction_clean(
                    cleaned["role"], cleaned.get("jurisdiction_code", "")
                )
            except ValidationError as exc:
                for field, field_messages in exc.fields.items():
                    for message in field_messages:
                        self.add_error(field, message)  # type: ignore[attr-defined]
        return cleaned


class UserAddForm(_RoleJurisdictionCheck, UserCreationForm):
    """A new user: name, password, role and jurisdiction."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role", "jurisdiction_code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True


class UserEditForm(_RoleJurisdictionCheck, UserChangeForm):
    """An existing user's details, role and jurisdiction."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("password", *_EDITABLE)


# Who is changing a password: Django's admin view builds the form without the request.
_password_actor: ContextVar[Principal | None] = ContextVar("password_actor", default=None)


class UserPasswordForm(AdminPasswordChangeForm):
    """A new password for a user, set (and audited) by ``user_password_set``."""

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        # Always a real password: "no password" accounts are not a thing in Pishkhan.
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = self.fields["password2"].required = True

    def save(self, commit: bool = True) -> User:
        saved = user_password_set(
            user=self.user, password=self.cleaned_data["password1"], actor=_password_actor.get()
        )
        # The admin then refreshes the session of this very object (when users change their own).
        self.user.password = saved.password
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users with their role and jurisdiction; deactivate rather than delete (the audit log names them)."""

    form = UserEditForm
    add_form = UserAddForm
    change_password_form = UserPasswordForm
    list_display = ["username", "role", "jurisdiction_kind", "jurisdiction_code", "is_active", "last_login"]
    list_filter = ["role", "jurisdiction_kind", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "jurisdiction_code"]
    readonly_fields = ["username", "jurisdiction_kind", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal details"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "jurisdiction_kind", "jurisdiction_code"]}),
        (_("Standing"), {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        (_("Role"), {"fields": ["email", "role", "jurisdiction_code"]}),
    ]
    filter_horizontal = []

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        return list(self.readonly_fields) if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor = principal_from_request(request)
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in _EDITABLE}
            user_update(user=obj, actor=actor, **changes)
            return
        created = user_create(
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            jurisdiction_code=data.get("jurisdiction_code", ""),
            email=data.get("email", ""),
            actor=actor,
        )
        # The admin goes on with the object it built (to log and redirect): make it the saved row.
        obj.pk, obj._state.adding = created.pk, False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        token = _password_actor.set(principal_from_request(request))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related is edited here (Django's groups and permissions are not used)."""


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """API keys: read and revoke. Issued by ``pishkhan keys_create``."""

    list_display = ["prefix", "holder_display", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["holder_kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "holder_code", "name", "user__username"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return [field.name for field in ApiKey._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        """Revoke each selected key that is still live."""
        actor = principal_from_request(request)
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                apikey_revoke(key=key, actor=actor, reason="revoked in the admin")
            except ApplicationError as exc:  # revoked meanwhile by someone else
                self.message_user(request, f"{key.prefix}: {exc.detail}", messages.WARNING)
            else:
                revoked += 1
        self.message_user(request, _("%(count)d keys revoked.") % {"count": revoked}, messages.SUCCESS)
