from django.urls import path

from safepassage.intake import views_public, views_regions, views_staff

app_name = "intake"

urlpatterns = [
    path("", views_staff.inbox_view, name="inbox"),
    path("questions/", views_staff.questions_view, name="questions"),
    path("questions/new/", views_staff.question_edit_view, name="question_new"),
    path("questions/<int:question_id>/", views_staff.question_edit_view, name="question_edit"),
    path("regions/", views_regions.regions_view, name="regions"),
    path("regions/new/", views_regions.region_edit_view, name="region_new"),
    path("regions/<int:region_id>/", views_regions.region_edit_view, name="region_edit"),
    path("<str:code>/", views_staff.detail_view, name="detail"),
    path("<str:code>/reply/", views_staff.reply_view, name="reply"),
    path("<str:code>/tags/", views_staff.tags_view, name="tags"),
    path("<str:code>/status/", views_staff.status_view, name="status"),
    path("<str:code>/assign/", views_staff.assign_view, name="assign"),
    path("<str:code>/open-case/", views_staff.open_case_view, name="open_case"),
    path("<str:code>/files/<int:attachment_id>/", views_staff.attachment_view, name="file"),
    path(
        "<str:code>/files/<int:attachment_id>/original/",
        views_staff.original_view,
        name="original",
    ),
]

public_urlpatterns = [
    path("", views_public.request_view, name="request"),
    path("return/", views_public.return_view, name="return"),
    path("message/", views_public.message_view, name="message"),
    path("file/<int:attachment_id>/", views_public.file_view, name="person_file"),
    path("safety/", views_public.safety_view, name="safety"),
]
